import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessionsMfaAudit1763892000000 implements MigrationInterface {
  name = 'CreateSessionsMfaAudit1763892000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_key_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        published_until timestamptz
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        ip text,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )
    `);
    await queryRunner.query(`CREATE INDEX sessions_user ON sessions (user_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        spent_at timestamptz
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens (token_hash)`,
    );
    // One refresh token of a session is live at a time: rotation spends it as it makes the next.
    await queryRunner.query(
      `CREATE UNIQUE INDEX refresh_tokens_one_live ON refresh_tokens (session_id) WHERE spent_at IS NULL`,
    );
    await queryRunner.query(`
      ALTER TABLE users
        ADD COLUMN totp_secret_sealed text,
        ADD COLUMN totp_pending_secret_sealed text,
        ADD COLUMN totp_enabled_at timestamptz,
        ADD COLUMN totp_last_step bigint
    `);
    await queryRunner.query(`
      CREATE TABLE mfa_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_mac text NOT NULL,
        used_at timestamptz
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX mfa_recovery_codes_mac ON mfa_recovery_codes (user_id, code_mac)`,
    );
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        actor_login text,
        subject_id uuid REFERENCES users (id) ON DELETE SET NULL,
        subject_login text,
        ip text,
        user_agent text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      )
    `);
    await queryRunner.query(`CREATE INDEX audit_events_time ON audit_events (created_at DESC)`);
    await queryRunner.query(
      `CREATE INDEX audit_events_subject ON audit_events (subject_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_events_actor ON audit_events (actor_id, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
    await queryRunner.query(`DROP TABLE mfa_recovery_codes`);
    await queryRunner.query(`
      ALTER TABLE users
        DROP COLUMN totp_secret_sealed,
        DROP COLUMN totp_pending_secret_sealed,
        DROP COLUMN totp_enabled_at,
        DROP COLUMN totp_last_step
    `);
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE sessions`);
    await queryRunner.query(`DROP TABLE signing_keys`);
  }
}
