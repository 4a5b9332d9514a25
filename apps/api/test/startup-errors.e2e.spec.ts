import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findFreePort } from '../src/database/embedded-postgres.js';
import { createFreshDatabase } from './support/database-urls.js';
import { MAIN, startServer, stopServer } from './support/server-process.js';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/main.js` until it exits by itself. */
function runToExit(env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** One message, on stderr, with no stack trace. */
function expectOneClearMessage(exit: Exit, ...words: string[]): void {
  expect(exit.code).not.toBe(0);
  expect(exit.code).not.toBeNull();
  const lines = exit.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Latchkey could not start: /);
  for (const word of words) expect(lines[0]).toContain(word);
  expect(exit.stderr + exit.stdout).not.toMatch(/\n\s+at /);
}

async function tablesIn(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('start-up errors name the variable and what to do', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'latchkey-startup-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('stops on a taken PORT before it creates anything: no data dir, no tables, no first admin', async () => {
    const database = await createFreshDatabase({ migrated: false });
    const port = await findFreePort();
    const squatter: NetServer = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    const dataDir = join(scratch, 'taken-port');
    try {
      const exit = await runToExit({
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
      });
      expectOneClearMessage(exit, `PORT ${port} is already in use`, 'set PORT to a free port');
      expect(exit.stdout).not.toContain('password:');
      expect(existsSync(dataDir)).toBe(false);
      expect(await tablesIn(database.url)).toEqual([]);
    } finally {
      squatter.close();
      await database.drop();
    }
  });

  it('stops on a DATA_DIR that is a file, or lies below one', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a directory');
    for (const dataDir of [file, join(file, 'below')]) {
      const exit = await runToExit({ PORT: String(await findFreePort()), DATA_DIR: dataDir });
      expectOneClearMessage(exit, `DATA_DIR ${dataDir} cannot be used`, 'Set DATA_DIR to');
    }
  });

  it('stops on a replaced DATA_DIR/encryption.key, naming it and ENCRYPTION_KEY, and changes nothing', async () => {
    const database = await createFreshDatabase({ migrated: false });
    const dataDir = join(scratch, 'replaced-key');
    try {
      const first = await startServer(dataDir, {
        DATABASE_URL: database.url,
        BOOTSTRAP_ADMIN_PASSWORD: 'first start pass phrase',
      });
      expect(await stopServer(first)).toBe(0);
      await writeFile(join(dataDir, 'encryption.key'), randomBytes(32).toString('base64'));

      const exit = await runToExit({
        PORT: String(await findFreePort()),
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
      });
      expectOneClearMessage(
        exit,
        `DATA_DIR/encryption.key (${join(dataDir, 'encryption.key')})`,
        'Set ENCRYPTION_KEY to the original key',
      );
      expect(exit.stderr).not.toContain('Unsupported state');

      const withKey = await runToExit({
        PORT: String(await findFreePort()),
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        ENCRYPTION_KEY: 'another-key-of-at-least-32-characters!',
      });
      expectOneClearMessage(withKey, 'ENCRYPTION_KEY is another key than the one');

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const keys = await client.query('SELECT kid FROM signing_keys');
        expect(keys.rowCount).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  }, 60_000);
});
