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
});
