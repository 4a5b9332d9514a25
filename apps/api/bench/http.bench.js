// HTTP benchmark of the built API: `npm run bench` (builds first).
//
// Starts `node apps/api/dist/main.js` on a free loopback port with a throwaway embedded
// PostgreSQL (a temporary DATA_DIR), runs a bounded load per scenario over keep-alive
// connections and prints requests, errors (non-2xx or network), req/s, p50 and p99.
// Exits non-zero when the server does not start or a scenario has errors.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../dist/config/config.schema.js';
import { findFreePort } from '../dist/database/embedded-postgres.js';

const HOST = '127.0.0.1';
const ADMIN_LOGIN = 'admin';
const ADMIN_PASSWORD = 'bench-admin-pass-phrase-42';
const READY_TIMEOUT_MS = 60_000;
const SCENARIO_TIME_CAP_MS = 15_000;
const STOP_TIMEOUT_MS = 20_000;

const here = dirname(fileURLToPath(import.meta.url));
const mainJs = resolve(here, '../dist/main.js');

const basic = `Basic ${Buffer.from(`${ADMIN_LOGIN}:${ADMIN_PASSWORD}`).toString('base64')}`;

const SCENARIOS = [
  { name: 'GET /healthz', path: '/healthz', requests: 2000, concurrency: 32 },
  { name: 'GET /readyz', path: '/readyz', requests: 2000, concurrency: 32 },
  {
    name: 'GET /api/v1/users/me (Basic)',
    path: '/api/v1/users/me',
    headers: { authorization: basic },
    requests: 200,
    concurrency: 8,
    note: 'Basic auth verifies the password with argon2id on every request: slow by design, so fewer requests.',
  },
  {
    name: 'GET /api/v1/users/me (session Bearer)',
    path: '/api/v1/users/me',
    headers: async (port) => ({ authorization: `Bearer ${await sessionAccessToken(port)}` }),
    requests: 4000,
    concurrency: 32,
    note: 'ES256 verification, then the session and user from the in-process cache: no database round trip for the credential.',
  },
];

/** Signs in as the admin through POST /auth/login and returns the access token. */
async function sessionAccessToken(port) {
  const res = await fetch(`http://${HOST}:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login for the bench answered ${res.status}`);
  return (await res.json()).access_token;
}

function log(message) {
  process.stdout.write(`${message}\n`);
}

/** One GET; resolves to { status, ms } or { error, ms }. The body is drained so the socket is reused. */
function get(agent, port, path, headers = {}) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const req = request({ host: HOST, port, path, method: 'GET', agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolvePromise({ status: res.statusCode, ms: performance.now() - started }),
      );
      res.on('error', (error) => resolvePromise({ error, ms: performance.now() - started }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out after 10 s')));
    req.on('error', (error) => resolvePromise({ error, ms: performance.now() - started }));
    req.end();
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

async function runScenario(port, scenario) {
  const agent = new Agent({ keepAlive: true, maxSockets: scenario.concurrency });
  try {
    // Warm-up (not measured): opens the connections and warms the JIT.
    await Promise.all(
      Array.from({ length: scenario.concurrency }, () =>
        get(agent, port, scenario.path, scenario.headers),
      ),
    );

    const latencies = [];
    const failures = new Map();
    let issued = 0;
    let capped = false;
    const started = performance.now();
    const deadline = started + SCENARIO_TIME_CAP_MS;
    const worker = async () => {
      for (;;) {
        if (issued >= scenario.requests) return;
        if (performance.now() >= deadline) {
          capped = true;
          return;
        }
        issued += 1;
        const result = await get(agent, port, scenario.path, scenario.headers);
        latencies.push(result.ms);
        const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
        if (!ok) {
          const key = result.error ? result.error.message : `HTTP ${result.status}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: scenario.concurrency }, worker));
    const elapsedS = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const errors = [...failures.values()].reduce((sum, n) => sum + n, 0);
    return {
      name: scenario.name,
      concurrency: scenario.concurrency,
      requests: latencies.length,
      errors,
      failures,
      capped,
      rps: latencies.length / elapsedS,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    agent.destroy();
  }
}

function printTable(results) {
  const rows = [
    ['scenario', 'conc.', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms'],
    ...results.map((r) => [
      r.name,
      String(r.concurrency),
      `${r.requests}${r.capped ? '*' : ''}`,
      String(r.errors),
      r.rps.toFixed(0),
      r.p50.toFixed(2),
      r.p99.toFixed(2),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  log('');
  log(line(rows[0]));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) log(line(row));
  log('');
  if (results.some((r) => r.capped))
    log(`* stopped at the ${SCENARIO_TIME_CAP_MS / 1000} s cap before the planned request count.`);
  for (const scenario of SCENARIOS)
    if (scenario.note) log(`Note (${scenario.name}): ${scenario.note}`);
  for (const r of results) {
    for (const [reason, count] of r.failures) log(`Errors in ${r.name}: ${count} x ${reason}`);
  }
}

/** The inherited environment without any Latchkey variable (no DATABASE_URL from the shell). */
function serverEnv(dataDir, port) {
  const env = { ...process.env };
  for (const name of Object.keys(CONFIG_VARIABLES)) delete env[name];
  return {
    ...env,
    HOST,
    PORT: String(port),
    PUBLIC_URL: `http://${HOST}:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    BOOTSTRAP_ADMIN_LOGIN: ADMIN_LOGIN,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
}

async function waitForReady(port, server) {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  const agent = new Agent({ keepAlive: false });
  try {
    while (performance.now() < deadline) {
      if (server.exitCode !== null || server.signalCode !== null) {
        throw new Error(
          `the server exited before it was ready (code ${server.exitCode ?? server.signalCode})`,
        );
      }
      const result = await get(agent, port, '/readyz');
      if (result.status === 200) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`/readyz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
  } finally {
    agent.destroy();
  }
}

function stopServer(server) {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      log(`The server did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it.`);
      server.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    server.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    server.kill('SIGTERM');
  });
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-bench-'));
  const port = await findFreePort();
  let output = '';
  // cwd is the temporary directory, so a developer's .env is not read either.
  const server = spawn(process.execPath, [mainJs], {
    cwd: dataDir,
    env: serverEnv(dataDir, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));

  const onSignal = () => {
    log('Interrupted: stopping the server.');
    void stopServer(server).finally(() =>
      rm(dataDir, { recursive: true, force: true }).finally(() => process.exit(130)),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let exitCode;
  try {
    exitCode = await bench(port, server, dataDir, () => output);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await stopServer(server);
    await rm(dataDir, { recursive: true, force: true });
  }
  if (exitCode === 0 && server.exitCode !== 0) {
    log(`The server exited with ${server.exitCode ?? server.signalCode} on SIGTERM.`);
    if (output.trim()) log(`--- server output ---\n${output.trimEnd()}\n---------------------`);
    return 1;
  }
  return exitCode;
}

async function bench(port, server, dataDir, output) {
  const startedAt = performance.now();
  log(`Starting ${mainJs} on http://${HOST}:${port} (embedded PostgreSQL in ${dataDir})...`);
  try {
    await waitForReady(port, server);
  } catch (error) {
    log(`The server did not start: ${error.message}`);
    if (output().trim()) log(`--- server output ---\n${output().trimEnd()}\n---------------------`);
    return 1;
  }
  log(
    `Ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s. Node ${process.version}, loopback, keep-alive.`,
  );

  const results = [];
  for (const scenario of SCENARIOS) {
    log(
      `Running ${scenario.name}: ${scenario.requests} requests, concurrency ${scenario.concurrency}...`,
    );
    const headers =
      typeof scenario.headers === 'function' ? await scenario.headers(port) : scenario.headers;
    results.push(await runScenario(port, { ...scenario, headers }));
  }
  printTable(results);
  if (results.some((r) => r.errors > 0 || r.requests === 0)) {
    log('FAILED: some scenarios had errors.');
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
