import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMachineCredentials1763978400000 implements MigrationInterface {
  name = 'CreateMachineCredentials1763978400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Personal access tokens and account API tokens: JWTs whose jti is checked here.
    await queryRunner.query(`
      CREATE TABLE personal_access_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        name text NOT NULL,
        scopes text[],
        jti text NOT NULL,
        kid text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        last_used_ip text,
        revoked_at timestamptz,
        CONSTRAINT personal_access_tokens_kind CHECK (kind IN ('personal', 'account')),
        CONSTRAINT personal_access_tokens_scopes CHECK (kind = 'account' OR scopes IS NOT NULL)
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX personal_access_tokens_jti ON personal_access_tokens (jti)`,
    );
    await queryRunner.query(
      `CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id, created_at DESC)`,
    );
    // A user has at most one live account token: regenerating revokes the earlier one first.
    await queryRunner.query(
      `CREATE UNIQUE INDEX personal_access_tokens_one_account ON personal_access_tokens (user_id)
       WHERE kind = 'account' AND revoked_at IS NULL`,
    );
    // Keeps the JWKS lookup for retired keys with live tokens cheap.
    await queryRunner.query(
      `CREATE INDEX personal_access_tokens_live_kid ON personal_access_tokens (kid) WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        api_key text NOT NULL,
        secret_hash bytea NOT NULL,
        secret_version integer NOT NULL DEFAULT 1,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz,
        last_used_at timestamptz,
        last_used_ip text,
        revoked_at timestamptz
      )
    `);
    await queryRunner.query(`CREATE UNIQUE INDEX api_keys_key ON api_keys (api_key)`);
    await queryRunner.query(`CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE opaque_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        last_used_ip text,
        revoked_at timestamptz
      )
    `);
    await queryRunner.query(`CREATE UNIQUE INDEX opaque_tokens_hash ON opaque_tokens (token_hash)`);
    await queryRunner.query(`CREATE INDEX opaque_tokens_user ON opaque_tokens (user_id)`);
    await queryRunner.query(`CREATE INDEX opaque_tokens_expiry ON opaque_tokens (expires_at)`);
    // Exchanged JWTs revoked before their expiry (RFC 7009); rows go once the token has expired.
    await queryRunner.query(`
      CREATE TABLE revoked_jwts (
        jti text PRIMARY KEY,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE revoked_jwts`);
    await queryRunner.query(`DROP TABLE opaque_tokens`);
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE personal_access_tokens`);
  }
}
