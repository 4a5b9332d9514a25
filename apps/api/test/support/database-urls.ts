import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function templateDatabase(): string {
  const name = process.env.LATCHKEY_TEST_TEMPLATE;
  if (!name)
    throw new Error('The test template database is not set up: run the tests through jest');
  return name;
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function serverUrl(): string {
  const url = process.env.LATCHKEY_TEST_SERVER_URL;
  if (!url)
    throw new Error(
      'The test PostgreSQL is not set up: run the tests through jest with its globalSetup',
    );
  return url;
}

async function onAdminConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl(), 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new database for one test file: migrated (cloned from the template) or empty. */
export async function createFreshDatabase(
  options: { migrated: boolean } = { migrated: true },
): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  await onAdminConnection((client) =>
    client.query(
      `CREATE DATABASE ${name}${options.migrated ? ` TEMPLATE ${templateDatabase()}` : ''}`,
    ),
  );
  return {
    name,
    url: databaseUrlFor(serverUrl(), name),
    drop: () =>
      onAdminConnection((client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/** Refuses and cuts every connection to a database: a database outage, as the app sees it. */
export async function cutDatabase(name: string): Promise<() => Promise<void>> {
  await onAdminConnection(async (client) => {
    await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
  });
  return () =>
    onAdminConnection((client) =>
      client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`),
    ).then(() => undefined);
}
