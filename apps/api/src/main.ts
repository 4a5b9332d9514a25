import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';
import { runMigrations } from './database/data-source.js';
import { takeOverShutdownSignals } from './database/embedded-postgres.js';
import { openDatabase } from './database/open-database.js';
import { createApp } from './app.factory.js';
import { assertDataDirUsable, assertPortFree, portProblem } from './common/startup/preflight.js';
import { StartupError } from './common/startup/startup-error.js';

function say(message: string): void {
  process.stdout.write(`[latchkey] ${message}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Before anything is created: a taken port or an unusable DATA_DIR changes nothing.
  await assertPortFree(config.HOST, config.PORT);
  if (!config.DATABASE_URL || !config.ENCRYPTION_KEY) await assertDataDirUsable(config.DATA_DIR);
  const database = await openDatabase(config, say);
  const applied = await runMigrations({ url: database.url, poolSize: 1 });
  if (applied.length > 0) say(`applied migrations: ${applied.join(', ')}`);

  const app = await createApp({ config, databaseUrl: database.url });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received: stopping`);
    await app.close();
    await database.embedded?.stop();
    process.exit(0);
  };
  takeOverShutdownSignals();
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST }).catch(async (error: unknown) => {
    // Taken between the check above and now: stop what was started, then say why.
    await app.close();
    await database.embedded?.stop();
    throw portProblem(error, config.HOST, config.PORT) ?? error;
  });
  say(
    `listening on ${config.PUBLIC_URL}: admin console at /, API under /api/v1, docs at /api/docs`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof StartupError) {
    process.stderr.write(`Latchkey could not start: ${error.message}\n`);
  } else {
    process.stderr.write(
      `Latchkey could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
