import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { parseConfig, type AppConfig } from '../../src/config/config.js';
import { createFreshDatabase } from './database-urls.js';
import { HttpClient } from './http-client.js';

export const TEST_ADMIN_LOGIN = 'admin';
export const TEST_ADMIN_PASSWORD = 'test-admin-password-0f4c2a';
/** The bootstrapped admin's Basic credentials. */
export const ADMIN: [string, string] = [TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD];

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: HttpClient;
  /** Run SQL against this test file's own database, to assert what it now holds. */
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  databaseName: string;
  close(): Promise<void>;
}

/**
 * The real application on real HTTP (an ephemeral port) over its own fresh, migrated database,
 * with the first admin bootstrapped as on a first start.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  { logDestination, port = 0 }: { logDestination?: DestinationStream; port?: number } = {},
): Promise<TestApp> {
  const database = await createFreshDatabase();
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: 'test-encryption-key-of-at-least-32-chars',
    BOOTSTRAP_ADMIN_LOGIN: TEST_ADMIN_LOGIN,
    BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    ...env,
  });
  const app = await createApp({ config, databaseUrl: database.url, logDestination });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    http: new HttpClient(`http://127.0.0.1:${address.port}`, config.PUBLIC_URL),
    sql: (query, parameters) => dataSource.query(query, parameters),
    databaseName: database.name,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * One app for the enclosing describe block: started before its tests, closed after. The
 * object is filled in by beforeAll, so read it inside tests only.
 */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  const testApp = {} as TestApp;
  beforeAll(async () => {
    Object.assign(testApp, await startTestApp(env));
  });
  afterAll(() => testApp.close());
  return testApp;
}
