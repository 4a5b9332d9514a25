import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { CredentialEntity } from '../modules/credentials/credential.entity.js';
import { RevokedJwtEntity } from '../modules/oauth/revoked-jwt.entity.js';
import { PasskeyEntity } from '../modules/passkeys/passkey.entity.js';
import { SessionEntity } from '../modules/sessions/session.entity.js';
import { SigningKeyEntity } from '../modules/signing-keys/signing-key.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';
import { MIGRATIONS } from './migrations/index.js';

export const ENTITIES = [
  UserEntity,
  AuditEventEntity,
  SigningKeyEntity,
  CredentialEntity,
  RevokedJwtEntity,
  SessionEntity,
  PasskeyEntity,
];

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  /** Client-side limit on one query's answer; unset (migrations): none. */
  queryTimeoutMs?: number;
}

/** One definition of the connection, for the server, the CLI and the tests. */
export function dataSourceOptions({
  url,
  poolSize,
  queryTimeoutMs,
}: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
    extra: {
      max: poolSize,
      // A request must fail fast with 503 when the database is away, not hang.
      connectionTimeoutMillis: 3000,
      // A database that stops answering (frozen, partitioned) sends no error: give up on our side.
      ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}),
      application_name: 'latchkey',
    },
  };
}

/** Applies pending migrations under an advisory lock, so instances starting together take turns. */
export async function runMigrations(settings: DatabaseSettings): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(settings), extra: { max: 1 } });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock(hashtext($1))', ['latchkey:migrations']);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
