import type { MigrationInterface, QueryRunner } from 'typeorm';
import { normaliseLogin } from '@latchkey/contracts';

/**
 * Logins are compared in one form everywhere (RFC 8265 UsernameCaseMapped, normaliseLogin):
 * PostgreSQL's lower() and the failure counters' lower-casing disagreed on characters such as
 * U+0130, so one user had several counters. The compared form is stored as login_key, filled
 * here for existing users with the same function the server uses, and is what is unique.
 */
export class UserLoginKey1764320000000 implements MigrationInterface {
  name = 'UserLoginKey1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN login_key text`);
    const users = (await queryRunner.query(`SELECT id, login FROM users`)) as {
      id: string;
      login: string;
    }[];
    await queryRunner.query(
      `UPDATE users SET login_key = keys.key
         FROM unnest($1::uuid[], $2::text[]) AS keys(id, key) WHERE users.id = keys.id`,
      [users.map((user) => user.id), users.map((user) => normaliseLogin(user.login))],
    );
    await queryRunner.query(`ALTER TABLE users ALTER COLUMN login_key SET NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_login_key_unique ON users (login_key)`);
    await queryRunner.query(`DROP INDEX users_login_unique`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE UNIQUE INDEX users_login_unique ON users (lower(login))`);
    await queryRunner.query(`DROP INDEX users_login_key_unique`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN login_key`);
  }
}
