import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';

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
