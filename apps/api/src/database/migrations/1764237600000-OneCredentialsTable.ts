import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PATs, account tokens, API keys and opaque tokens move into one `credentials` table: they share
 * one lifecycle (lookup, last use, disable, rate limit, rotation, revocation with a reason), so
 * one repository serves them all and a new kind needs no new table. Every row keeps its id and
 * its lookup value (a JWT's jti, an API key, the SHA-256 of an opaque token), so every credential
 * issued before keeps working.
 */
export class OneCredentialsTable1764237600000 implements MigrationInterface {
  name = 'OneCredentialsTable1764237600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        name text NOT NULL DEFAULT '',
        scopes text[],
        lookup text NOT NULL,
        secret_hash bytea,
        secret_version integer NOT NULL DEFAULT 1,
        secret_rotated_at timestamptz,
        previous_secret_hash bytea,
        previous_secret_expires_at timestamptz,
        kid text,
        rate_limit_requests integer,
        rate_limit_per_seconds integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        disabled_at timestamptz,
        last_used_at timestamptz,
        last_used_ip text,
        revoked_at timestamptz,
        revoked_reason text,
        CONSTRAINT credentials_kind
          CHECK (kind IN ('personal_access_token', 'account_token', 'api_key', 'opaque_token')),
        CONSTRAINT credentials_scopes
          CHECK (kind IN ('account_token', 'opaque_token') OR scopes IS NOT NULL),
        CONSTRAINT credentials_secret CHECK ((kind = 'api_key') = (secret_hash IS NOT NULL)),
        CONSTRAINT credentials_rate_limit
          CHECK ((rate_limit_requests IS NULL) = (rate_limit_per_seconds IS NULL)),
        CONSTRAINT credentials_revoked
          CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)
            AND (revoked_reason IS NULL OR revoked_reason IN ('revoked', 'rotated', 'leaked')))
      )
    `);
    await queryRunner.query(`
      INSERT INTO credentials (id, user_id, kind, name, scopes, lookup, kid, created_at,
        expires_at, last_used_at, last_used_ip, revoked_at, revoked_reason)
      SELECT id, user_id,
        CASE kind WHEN 'personal' THEN 'personal_access_token' ELSE 'account_token' END,
        name, scopes, jti, kid, created_at, expires_at, last_used_at, last_used_ip, revoked_at,
        CASE WHEN revoked_at IS NULL THEN NULL ELSE 'revoked' END
      FROM personal_access_tokens
    `);
    await queryRunner.query(`
      INSERT INTO credentials (id, user_id, kind, name, scopes, lookup, secret_hash,
        secret_version, secret_rotated_at, created_at, last_used_at, last_used_ip, revoked_at,
        revoked_reason)
      SELECT id, user_id, 'api_key', name, scopes, api_key, secret_hash, secret_version,
        secret_rotated_at, created_at, last_used_at, last_used_ip, revoked_at,
        CASE WHEN revoked_at IS NULL THEN NULL ELSE 'revoked' END
      FROM api_keys
    `);
    await queryRunner.query(`
      INSERT INTO credentials (id, user_id, kind, lookup, created_at, expires_at, last_used_at,
        last_used_ip, revoked_at, revoked_reason)
      SELECT id, user_id, 'opaque_token', encode(token_hash, 'hex'), created_at, expires_at,
        last_used_at, last_used_ip, revoked_at,
        CASE WHEN revoked_at IS NULL THEN NULL ELSE 'revoked' END
      FROM opaque_tokens
    `);
    await queryRunner.query(`CREATE UNIQUE INDEX credentials_lookup ON credentials (lookup)`);
    await queryRunner.query(
      `CREATE INDEX credentials_owner ON credentials (user_id, kind, created_at DESC)`,
    );
    // A user has at most one live account token: regenerating revokes the earlier one first.
    await queryRunner.query(
      `CREATE UNIQUE INDEX credentials_one_account_token ON credentials (user_id)
       WHERE kind = 'account_token' AND revoked_at IS NULL`,
    );
    // The JWKS keeps a retired key while tokens it signed live.
    await queryRunner.query(
      `CREATE INDEX credentials_kid ON credentials (kid) WHERE kid IS NOT NULL`,
    );
    // A leaked API secret reported alone is found by its hash.
    await queryRunner.query(
      `CREATE INDEX credentials_secret ON credentials (secret_hash) WHERE secret_hash IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX credentials_previous_secret ON credentials (previous_secret_hash)
       WHERE previous_secret_hash IS NOT NULL`,
    );
    await queryRunner.query(`DROP TABLE personal_access_tokens`);
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE opaque_tokens`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE personal_access_tokens (
        id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL, name text NOT NULL, scopes text[], jti text NOT NULL UNIQUE, kid text,
        created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz,
        last_used_at timestamptz, last_used_ip text, revoked_at timestamptz
      )
    `);
    await queryRunner.query(`
      INSERT INTO personal_access_tokens
      SELECT id, user_id, CASE kind WHEN 'personal_access_token' THEN 'personal' ELSE 'account' END,
        name, scopes, lookup, kid, created_at, expires_at, last_used_at, last_used_ip, revoked_at
      FROM credentials WHERE kind IN ('personal_access_token', 'account_token')
    `);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL, api_key text NOT NULL UNIQUE, secret_hash bytea NOT NULL,
        secret_version integer NOT NULL DEFAULT 1, scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(), secret_rotated_at timestamptz,
        last_used_at timestamptz, last_used_ip text, revoked_at timestamptz
      )
    `);
    await queryRunner.query(`
      INSERT INTO api_keys
      SELECT id, user_id, name, lookup, secret_hash, secret_version, scopes, created_at,
        secret_rotated_at, last_used_at, last_used_ip, revoked_at
      FROM credentials WHERE kind = 'api_key'
    `);
    await queryRunner.query(`
      CREATE TABLE opaque_tokens (
        id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL, last_used_at timestamptz, last_used_ip text,
        revoked_at timestamptz
      )
    `);
    await queryRunner.query(`
      INSERT INTO opaque_tokens
      SELECT id, user_id, decode(lookup, 'hex'), created_at, expires_at, last_used_at,
        last_used_ip, revoked_at
      FROM credentials WHERE kind = 'opaque_token'
    `);
    await queryRunner.query(`DROP TABLE credentials`);
  }
}
