import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.js';
import { createFreshDatabase } from './support/database-urls.js';

describe('migrations', () => {
  it('apply to an empty database, revert completely, and apply again', async () => {
    const database = await createFreshDatabase({ migrated: false });
    const settings = { url: database.url, poolSize: 1 };
    try {
      const applied = await runMigrations(settings);
      expect(applied.length).toBeGreaterThan(0);
      expect(await runMigrations(settings)).toEqual([]);

      const dataSource = new DataSource(dataSourceOptions(settings));
      await dataSource.initialize();
      try {
        for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration();
        const tables = await dataSource.query<{ table_name: string }[]>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
        );
        expect(tables).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
      expect(await runMigrations(settings)).toEqual(applied);
    } finally {
      await database.drop();
    }
  });

  it('fills login_key of existing users with the normalised login', async () => {
    const database = await createFreshDatabase({ migrated: false });
    const settings = { url: database.url, poolSize: 1 };
    try {
      await runMigrations(settings);
      const dataSource = new DataSource(dataSourceOptions(settings));
      await dataSource.initialize();
      try {
        // Back to before UserLoginKey (and whatever came after it), with users to fill in.
        let undone = '';
        while (undone !== 'UserLoginKey1764320000000') {
          const [last] = await dataSource.query<{ name: string }[]>(
            'SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1',
          );
          undone = last?.name ?? 'UserLoginKey1764320000000';
          await dataSource.undoLastMigration();
        }
        await dataSource.query(
          `INSERT INTO users (login, email, display_name, password_hash, roles, password_changed_at)
           VALUES ('Kim.Lee', 'kim@example.test', 'Kim', 'x', '{user}', now()),
                  ('BOB', 'bob@example.test', 'Bob', 'x', '{user}', now())`,
        );
        await dataSource.runMigrations();
        const rows = await dataSource.query<{ login: string; login_key: string }[]>(
          'SELECT login, login_key FROM users ORDER BY login',
        );
        expect(rows).toEqual([
          { login: 'BOB', login_key: 'bob' },
          { login: 'Kim.Lee', login_key: 'kim.lee' },
        ]);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
