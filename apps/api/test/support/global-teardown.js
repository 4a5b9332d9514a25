import { rm } from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown() {
  const local = globalThis.latchkeyTestDatabase;
  if (local) {
    await local.embedded.stop();
    await rm(local.dir, { recursive: true, force: true });
    return;
  }
  const url = new URL(process.env.LATCHKEY_TEST_SERVER_URL);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${process.env.LATCHKEY_TEST_TEMPLATE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
