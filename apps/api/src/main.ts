import 'reflect-metadata';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { runMigrations } from './database/data-source.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { createApp } from './app.factory.js';

function say(message: string): void {
  process.stdout.write(`[latchkey] ${message}\n`);
}

async function openDatabase(
  config: AppConfig,
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  say(`DATABASE_URL is not set: starting the embedded PostgreSQL in ${config.DATA_DIR}`);
  const embedded = await startEmbeddedPostgres({
    dir: config.DATA_DIR,
    database: 'latchkey',
    persistent: true,
    log: (line) => {
      if (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace')
        process.stdout.write(`[postgres] ${line}`);
    },
  });
  return { url: embedded.url, embedded };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
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
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST });
  say(`listening on ${config.PUBLIC_URL} (API under /api/v1, docs at /api/docs)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Latchkey could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
