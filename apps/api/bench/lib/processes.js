// The processes `npm run bench` starts: the servers under test (their stdout goes to /dev/null,
// as a production log shipper would take it off the box; only the last lines of stderr are kept,
// to say why a server did not start) and PostgreSQL.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { findFreePort, startEmbeddedPostgres } from '../../dist/database/embedded-postgres.js';
import { call, HOST } from './http.js';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const STDERR_KEPT_CHARS = 8_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One Node.js server process on a free loopback port. */
export class Server {
  /**
   * @param name shown in messages
   * @param script the JavaScript file to run
   * @param env (port) => the whole environment of the process
   * @param readyPath answered with `readyStatus` once the server serves
   */
  constructor({ name, script, env, cwd, readyPath, readyStatus = 200 }) {
    Object.assign(this, { name, script, env, cwd, readyPath, readyStatus });
    this.child = null;
    this.port = 0;
    this.stderr = '';
  }

  get base() {
    return `http://${HOST}:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  async start() {
    if (!this.port) this.port = await findFreePort();
    this.stderr = '';
    const child = spawn(process.execPath, [this.script], {
      cwd: this.cwd,
      env: this.env(this.port),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + String(chunk)).slice(-STDERR_KEPT_CHARS);
    });
    const started = performance.now();
    while (performance.now() - started < READY_TIMEOUT_MS) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${this.stderr.trimEnd()}`,
        );
      }
      const answer = await call(this.base, 'GET', this.readyPath, { timeoutMs: 2_000 }).catch(
        () => null,
      );
      if (answer?.status === this.readyStatus) return (performance.now() - started) / 1000;
      await sleep(150);
    }
    throw new Error(
      `${this.name} did not answer ${this.readyPath} within ${READY_TIMEOUT_MS / 1000} s:\n${this.stderr.trimEnd()}`,
    );
  }

  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS. Resolves to the exit code (or signal). */
  async stop() {
    const child = this.child;
    if (!child) return null;
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.child = null;
    return child.exitCode ?? child.signalCode;
  }

  /** Peak resident set size of the process so far (VmHWM), in MiB. */
  async peakRssMiB() {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (!match) throw new Error(`no VmHWM in /proc/${this.pid}/status`);
    return Number(match[1]) / 1024;
  }
}

/**
 * The PostgreSQL the servers share: a throwaway embedded cluster under `dir`, or, when
 * DATABASE_URL is set, a scratch database made in that server and dropped afterwards (the bench
 * writes a million rows: never into a database someone uses).
 */
export async function startDatabase({ dir, externalUrl }) {
  if (!externalUrl) {
    const embedded = await startEmbeddedPostgres({
      dir,
      database: 'latchkey',
      persistent: false,
      log: () => undefined,
    });
    return { url: embedded.url, where: 'embedded PostgreSQL', stop: () => embedded.stop() };
  }
  const name = `latchkey_bench_${randomBytes(4).toString('hex')}`;
  await withClient(externalUrl, (db) => db.query(`CREATE DATABASE ${name}`));
  const url = new URL(externalUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    where: `database ${name} on DATABASE_URL's server`,
    stop: () => withClient(externalUrl, (db) => db.query(`DROP DATABASE ${name} WITH (FORCE)`)),
  };
}

export async function withClient(url, use) {
  const db = new pg.Client({ connectionString: url, application_name: 'latchkey-bench' });
  await db.connect();
  try {
    return await use(db);
  } finally {
    await db.end();
  }
}
