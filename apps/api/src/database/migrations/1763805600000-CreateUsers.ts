import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1763805600000 implements MigrationInterface {
  name = 'CreateUsers1763805600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        login varchar(64) NOT NULL,
        email varchar(254) NOT NULL,
        display_name varchar(128) NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{user}',
        disabled_at timestamptz,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['admin', 'user']::text[] AND cardinality(roles) > 0),
        CONSTRAINT users_login_not_api_key CHECK (lower(login) NOT LIKE 'lk\\_%')
      )
    `);
    await queryRunner.query(`CREATE UNIQUE INDEX users_login_unique ON users (lower(login))`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE users`);
  }
}
