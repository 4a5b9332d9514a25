import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

describe('an embedded PostgreSQL already running in DATA_DIR', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-busy-'));
    await mkdir(join(dir, 'pg'), { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is refused at once with "stop the server first", not after PostgreSQL gives up', async () => {
    // A live process holds the cluster: this test's own.
    await writeFile(join(dir, 'pg', 'postmaster.pid'), `${process.pid}\n${join(dir, 'pg')}\n`);
    const started = Date.now();
    await expect(
      startEmbeddedPostgres({ dir, database: 'latchkey', persistent: true, log: () => undefined }),
    ).rejects.toThrow(/stop the server first/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
