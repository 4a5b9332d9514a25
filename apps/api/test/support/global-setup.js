// Plain ESM on the built server (the api:test target builds first): Jest loads global setup
// outside its module mapper, so it cannot resolve the TypeScript sources' `.js` imports.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../dist/database/data-source.js';
import { startEmbeddedPostgres } from '../../dist/database/embedded-postgres.js';

function withDatabase(serverUrl, database) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * One PostgreSQL for the whole run (DATABASE_URL when set, an embedded one otherwise) with a
 * migrated template database; each test file clones its own fresh database from it.
 */
export default async function globalSetup() {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-test-'));
    const embedded = await startEmbeddedPostgres({
      dir,
      database: 'postgres',
      persistent: false,
      log: () => {},
    });
    globalThis.latchkeyTestDatabase = { embedded, dir };
    serverUrl = embedded.url;
  }
  const template = `latchkey_test_template_${randomBytes(4).toString('hex')}`;
  process.env.LATCHKEY_TEST_SERVER_URL = serverUrl;
  process.env.LATCHKEY_TEST_TEMPLATE = template;

  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  await runMigrations({ url: withDatabase(serverUrl, template), poolSize: 1 });
}
