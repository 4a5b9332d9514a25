import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePasskeys1764064800000 implements MigrationInterface {
  name = 'CreatePasskeys1764064800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE passkeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        credential_id text NOT NULL,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        transports text[] NOT NULL DEFAULT '{}',
        device_type text NOT NULL,
        backed_up boolean NOT NULL,
        name varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX passkeys_credential_id ON passkeys (credential_id)`,
    );
    await queryRunner.query(`CREATE INDEX passkeys_user ON passkeys (user_id, created_at)`);
    // Challenges live in the database, not in one instance's memory: any instance verifies the
    // response, and deleting the row as it is read makes each challenge good once.
    await queryRunner.query(`
      CREATE TABLE webauthn_challenges (
        challenge text PRIMARY KEY,
        purpose text NOT NULL,
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )
    `);
    await queryRunner.query(
      `CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at)`,
    );
    // The jti of every mfa_token that completed a login, until it expires: a token works once.
    await queryRunner.query(`
      CREATE TABLE spent_mfa_tokens (
        jti text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )
    `);
    // How each session was signed in: {password}, {password,totp}, {passkey}, ...
    await queryRunner.query(
      `ALTER TABLE sessions ADD COLUMN sign_in_methods text[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN sign_in_methods`);
    await queryRunner.query(`DROP TABLE spent_mfa_tokens`);
    await queryRunner.query(`DROP TABLE webauthn_challenges`);
    await queryRunner.query(`DROP TABLE passkeys`);
  }
}
