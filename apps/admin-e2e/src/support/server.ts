import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

const MAIN = join(import.meta.dirname, '../../../api/dist/main.js');
/** The server's own output, kept as an artifact of the run. */
const SERVER_LOG = join(import.meta.dirname, '../../../../test-results/admin-e2e-server.log');

/** The first admin's password, chosen by the tests (BOOTSTRAP_ADMIN_PASSWORD). */
export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-pass-phrase-7c1d';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Where the server keeps its data: a fresh database on DATABASE_URL's server, else embedded. */
async function freshStorage(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-e2e-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { env: { DATA_DIR: dataDir }, drop: removeDir };
  const name = `latchkey_e2e_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: withDatabase(serverUrl, name) },
    drop: async () => {
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await removeDir();
    },
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * `node apps/api/dist/main.js` as `npm start` runs it, on a free port and fresh storage,
 * reachable as http://localhost:PORT (Chromium keeps Secure cookies on localhost only).
 */
export async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const storage = await freshStorage();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      ...storage.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      BOOTSTRAP_ADMIN_LOGIN: ADMIN_LOGIN,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  mkdirSync(dirname(SERVER_LOG), { recursive: true });
  const log = createWriteStream(SERVER_LOG);
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk) => {
      output += String(chunk);
      log.write(chunk);
    });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited(child);
    await storage.drop();
  };
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) {
      await storage.drop();
      throw new Error(`The Latchkey server exited early:\n${output}`);
    }
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (ready?.status === 200) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`The Latchkey server did not become ready in 2 minutes:\n${output}`);
}
