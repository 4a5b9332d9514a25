// The pieces `npm run chaos` drives: an embedded PostgreSQL that can be stopped and started
// again at the same URL, `node dist/main.js` instances on it, HTTP helpers and a bounded load loop.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { CONFIG_VARIABLES } from '../dist/config/config.schema.js';
import { findFreePort, startEmbeddedPostgres } from '../dist/database/embedded-postgres.js';

export const HOST = '127.0.0.1';
export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = 'chaos-admin-pass-phrase-42';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_KEPT_CHARS = 100_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function basic(login, password) {
  return `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`;
}

/** PostgreSQL from the embedded-postgres binaries, on one port for its whole life. */
export class Database {
  constructor(dir) {
    this.dir = dir;
    this.handle = null;
    this.port = 0;
    this.url = '';
  }

  async start() {
    if (!this.port) this.port = await findFreePort();
    this.handle = await startEmbeddedPostgres({
      dir: this.dir,
      database: 'latchkey',
      persistent: true,
      port: this.port,
      log: () => undefined,
    });
    this.url = this.handle.url;
  }

  /** Fast shutdown (SIGINT): PostgreSQL ends every client connection, then exits. */
  async stop() {
    const handle = this.handle;
    this.handle = null;
    await handle?.stop();
  }

  /** The postmaster and its backends: every process of this cluster. */
  async processes() {
    const pidFile = await readFile(join(this.dir, 'pg', 'postmaster.pid'), 'utf8');
    const postmaster = Number(pidFile.split('\n')[0]);
    const children = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // Fields after the command name (which may hold spaces): state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) children.push(Number(entry));
    }
    return [postmaster, ...children];
  }

  /** SIGSTOP every process of the cluster: connections stay open, nothing answers. */
  async freeze() {
    this.frozen = await this.processes();
    for (const pid of this.frozen) process.kill(pid, 'SIGSTOP');
  }

  async thaw() {
    for (const pid of this.frozen ?? []) process.kill(pid, 'SIGCONT');
    this.frozen = null;
  }

  get running() {
    return this.handle !== null;
  }

  async query(sql, parameters = []) {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows;
    } finally {
      await client.end();
    }
  }

  /** A connection of our own, for side-channel faults (locks). */
  async client() {
    const client = new pg.Client({ connectionString: this.url, application_name: 'chaos' });
    await client.connect();
    return client;
  }
}

/** One `node dist/main.js` process on a fixed port, restartable with the same settings. */
export class Instance {
  constructor({ name, mainJs, port, dataDir, env }) {
    this.name = name;
    this.mainJs = mainJs;
    this.port = port;
    this.dataDir = dataDir;
    this.env = env;
    this.child = null;
    this.output = '';
  }

  get base() {
    return `http://${HOST}:${this.port}`;
  }

  /** The inherited environment without any Latchkey variable, then ours. */
  childEnv(overrides) {
    const env = { ...process.env };
    for (const name of Object.keys(CONFIG_VARIABLES)) delete env[name];
    return {
      ...env,
      ...this.env,
      ...overrides,
      HOST,
      PORT: String(this.port),
      DATA_DIR: this.dataDir,
    };
  }

  async start(overrides = {}) {
    await mkdir(this.dataDir, { recursive: true });
    const child = spawn(process.execPath, [this.mainJs], {
      // The data directory as cwd: a developer's .env is not read.
      cwd: this.dataDir,
      env: this.childEnv(overrides),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk) => {
      this.output = (this.output + String(chunk)).slice(-OUTPUT_KEPT_CHARS);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started = performance.now();
    while (performance.now() - started < READY_TIMEOUT_MS) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited before it was ready:\n${this.output.slice(-4000)}`);
      }
      const ready = await call(this, 'GET', '/readyz').catch(() => null);
      if (ready?.status === 200) return (performance.now() - started) / 1000;
      await sleep(200);
    }
    throw new Error(`${this.name} did not become ready:\n${this.output.slice(-4000)}`);
  }

  get alive() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and waits for the exit; SIGKILL after STOP_TIMEOUT_MS. */
  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
}

const probeAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One HTTP request; resolves to { status, headers, body, text, ms } or rejects on a network
 * error. JSON bodies are parsed. A request never waits longer than `timeoutMs`.
 */
export function call(instance, method, path, { headers = {}, body, timeoutMs = 30_000 } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const allHeaders = { ...headers };
  if (payload !== undefined) {
    allHeaders['content-type'] = 'application/json';
    allHeaders['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { host: HOST, port: instance.port, path, method, headers: allHeaders, agent: probeAgent },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = null;
          }
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: parsed,
            text,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The value of a cookie set by the response, or undefined. */
export function setCookie(response, name) {
  const header = response.headers['set-cookie'] ?? [];
  for (const line of Array.isArray(header) ? header : [header]) {
    const [pair] = line.split(';');
    const [key, ...value] = pair.split('=');
    if (key.trim() === name) return value.join('=');
  }
  return undefined;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Bounded keep-alive load: `concurrency` workers, each sending `next()`'s request until stop()
 * or `maxRequests`. Counts statuses and network errors.
 */
export function startLoad({ concurrency, next, maxRequests = 200_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map();
  const errors = new Map();
  const latencies = [];
  let running = true;
  let issued = 0;
  const started = performance.now();
  const worker = async () => {
    while (running && issued < maxRequests) {
      issued += 1;
      const { instance, method = 'GET', path, headers = {} } = next();
      const t0 = performance.now();
      const outcome = await new Promise((resolve) => {
        const req = request(
          { host: HOST, port: instance.port, path, method, headers, agent },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode }));
            res.on('error', (error) => resolve({ error }));
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
        req.on('error', (error) => resolve({ error }));
        req.end();
      });
      if (outcome.error) {
        const key = outcome.error.code ?? outcome.error.message;
        errors.set(key, (errors.get(key) ?? 0) + 1);
        // A refused connection answers at once: do not spin while a server restarts.
        await sleep(100);
      } else {
        latencies.push(performance.now() - t0);
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const answered = latencies.length;
      return {
        concurrency,
        seconds,
        answered,
        rps: answered / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
        errors: Object.fromEntries(errors),
      };
    },
  };
}

export function randomSecret(bytes = 24) {
  return randomBytes(bytes).toString('hex');
}

export function dataDirOf(root, name) {
  return join(root, name);
}
