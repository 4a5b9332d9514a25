// Fault drills against the built API: `npm run chaos` (builds first).
//
// Starts its own embedded PostgreSQL and `node apps/api/dist/main.js` instances on it (temporary
// directories), puts bounded load on them, then breaks things: PostgreSQL stopped, a server
// SIGKILLed under load, an exhausted connection pool, clocks skewed through CLOCK_OFFSET_MS, one
// refresh token refreshed on two instances at once. Prints a table (scenario, expectation,
// observed, pass/fail), rewrites docs/reliability.md, cleans up, and exits non-zero when a
// check fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import {
  ADMIN_LOGIN,
  ADMIN_PASSWORD,
  Database,
  HOST,
  Instance,
  basic,
  call,
  randomSecret,
  setCookie,
  sleep,
  startLoad,
} from './cluster.js';
import { findFreePort } from '../dist/database/embedded-postgres.js';
import { writeReliabilityReport } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const MAIN_JS = resolve(here, '../dist/main.js');
const REPO_ROOT = resolve(here, '../../..');
const REFRESH_COOKIE = 'lk_refresh';
const RECOVERY_TIMEOUT_MS = 30_000;
const BASELINE_LOAD_MS = 8_000;
/** How long the pool drill holds its lock: every request must be answered by then plus a margin. */
const LOCK_HOLD_MS = 6_000;
const SKEWS = [
  { label: '+3 s', ms: 3_000 },
  { label: '-3 s', ms: -3_000 },
  { label: '+30 s', ms: 30_000 },
  { label: '-30 s', ms: -30_000 },
  { label: '+5 min', ms: 300_000 },
  { label: '-5 min', ms: -300_000 },
];
/** JWT leeway of the server (CLOCK_TOLERANCE_SECONDS). */
const LEEWAY_MS = 5_000;
/** DATABASE_QUERY_TIMEOUT of the servers (the default). */
const QUERY_TIMEOUT_MS = 10_000;
/** Heartbeat interval + timeout of the change feed, with a margin. */
const FREEZE_DETECTION_MS = 4_000;
/** AUTH_REFRESH_REUSE_GRACE of the servers (the default). */
const GRACE_S = 10;

const checks = [];
const loads = [];

function log(message) {
  process.stdout.write(`${message}\n`);
}

function check(scenario, expectation, observed, pass) {
  checks.push({ scenario, expectation, observed: String(observed), pass: Boolean(pass) });
  log(`  ${pass ? 'pass' : 'FAIL'}  ${scenario}: ${expectation} -> ${observed}`);
}

const statusesOf = (responses) => responses.map((r) => r.status).join(',');

// ---------------------------------------------------------------------------------------------
// Credentials

/** A user with one credential of every kind, minted on `at`. */
async function provisionUser(at, adminAuth, login) {
  const password = `pass phrase ${randomSecret(6)}`;
  const created = await call(at, 'POST', '/api/v1/users', {
    headers: { authorization: adminAuth },
    body: { login, email: `${login}@chaos.example.test`, password, roles: ['user'] },
  });
  if (created.status !== 201)
    throw new Error(`creating ${login}: ${created.status} ${created.text}`);
  return { id: created.body.id, login, password, auth: basic(login, password) };
}

async function login(at, user) {
  const res = await call(at, 'POST', '/api/v1/auth/login', {
    body: { login: user.login, password: user.password },
  });
  if (res.status !== 200) throw new Error(`login on ${at.name}: ${res.status} ${res.text}`);
  return { access: res.body.access_token, refresh: setCookie(res, REFRESH_COOKIE) };
}

async function mintPat(at, user, expiresAt = null) {
  const res = await call(at, 'POST', '/api/v1/personal-access-tokens', {
    headers: { authorization: user.auth },
    body: { name: `chaos ${randomSecret(4)}`, scopes: ['profile:read'], expiresAt },
  });
  if (res.status !== 201) throw new Error(`PAT on ${at.name}: ${res.status} ${res.text}`);
  return res.body.token;
}

async function mintOpaque(at, user) {
  const res = await call(at, 'GET', '/api/v1/auth/token', {
    headers: { authorization: user.auth },
  });
  if (res.status !== 200) throw new Error(`opaque token: ${res.status} ${res.text}`);
  return res.body.access_token;
}

async function exchange(at, key, secret) {
  const res = await call(at, 'POST', '/api/v1/sessions', {
    body: { type: 'api-key', key, secret },
  });
  if (res.status !== 200) throw new Error(`exchange: ${res.status} ${res.text}`);
  return res.body.access_token;
}

/** Every kind of credential a request can carry, for one user. */
async function mintEveryKind(at, adminAuth, user) {
  const account = await call(at, 'PUT', '/api/v1/users/me/api-token', {
    headers: { authorization: user.auth },
  });
  if (account.status !== 200) throw new Error(`account token: ${account.status} ${account.text}`);
  const key = await call(at, 'POST', `/api/v1/users/${user.id}/api-keys`, {
    headers: { authorization: adminAuth },
    body: { name: 'chaos key', scopes: ['profile:read'] },
  });
  if (key.status !== 201) throw new Error(`API key: ${key.status} ${key.text}`);
  const session = await login(at, user);
  return {
    user,
    session,
    apiKey: key.body.apiKey,
    apiSecret: key.body.apiSecret,
    headers: {
      'Basic login:password': { authorization: user.auth },
      PAT: { authorization: `Bearer ${await mintPat(at, user)}` },
      'account token': { authorization: `Bearer ${account.body.token}` },
      'API key (token key:secret)': {
        authorization: `token ${key.body.apiKey}:${key.body.apiSecret}`,
      },
      'exchanged JWT': {
        authorization: `Bearer ${await exchange(at, key.body.apiKey, key.body.apiSecret)}`,
      },
      'opaque token': { 'x-auth-token': await mintOpaque(at, user) },
      'session access JWT (sid checked)': { authorization: `Bearer ${session.access}` },
    },
  };
}

/** The session id (sid) an access JWT carries, read without verifying it. */
function sessionIdOf(accessToken) {
  const [, payload] = accessToken.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).sid;
}

/** GET /auth/verify: the credential check alone, with no other database work. */
const verify = (at, headers) => call(at, 'GET', '/api/v1/auth/verify', { headers });

function refresh(at, token, publicUrl) {
  return call(at, 'POST', '/api/v1/auth/refresh', {
    headers: { cookie: `${REFRESH_COOKIE}=${token}`, origin: publicUrl },
  });
}

async function familiesWithTwoLiveTokens(db) {
  const rows = await db.query(
    `SELECT session_id FROM refresh_tokens
     WHERE spent_at IS NULL AND expires_at > now()
     GROUP BY session_id HAVING count(*) > 1`,
  );
  return rows.length;
}

async function waitUntil(predicate, timeoutMs) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await predicate().catch(() => false)) return (performance.now() - started) / 1000;
    await sleep(250);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function baselineLoad(ctx) {
  log('\nLoad: mixed credentials on both instances...');
  const targets = [];
  for (const instance of [ctx.a, ctx.b]) {
    for (const [kind, headers] of Object.entries(ctx.creds.headers)) {
      // Basic runs argon2id on every request, by design: it is left out of the throughput load.
      if (kind.startsWith('Basic')) continue;
      targets.push({ instance, path: '/api/v1/auth/verify', headers });
    }
  }
  let i = 0;
  const load = startLoad({ concurrency: 16, next: () => targets[i++ % targets.length] });
  await sleep(BASELINE_LOAD_MS);
  const stats = await load.stop();
  loads.push({ phase: 'steady state, 2 instances, 6 credential kinds', ...stats });
  const failed = stats.answered - (stats.statuses[200] ?? 0);
  const errors = Object.values(stats.errors).reduce((a, b) => a + b, 0);
  check(
    'steady load',
    'every request 200, no network error',
    `${stats.answered} requests, ${stats.rps.toFixed(0)} req/s, p99 ${stats.p99.toFixed(1)} ms, ${failed} non-200, ${errors} errors`,
    failed === 0 && errors === 0 && stats.answered > 0,
  );
}

async function postgresStopped(ctx) {
  const scenario = 'PostgreSQL stopped';
  log(`\n${scenario}...`);
  const { a, db, creds } = ctx;
  for (const [kind, headers] of Object.entries(creds.headers)) {
    const warm = await verify(a, headers);
    if (warm.status !== 200) throw new Error(`${kind} before the outage: ${warm.status}`);
  }
  const before = await db.query(
    "SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM credentials WHERE kind = 'opaque_token') AS opaque",
  );

  await db.stop();
  // Probed at once: a credential cached before the outage must not be served from the cache.
  for (const [kind, headers] of Object.entries(creds.headers)) {
    const res = await verify(a, headers);
    check(
      scenario,
      `${kind}: 503 unavailable`,
      `${res.status} ${res.body?.code ?? ''}`,
      res.status === 503 && res.body?.code === 'unavailable',
    );
  }
  const refreshed = await refresh(a, creds.session.refresh, ctx.publicUrl);
  check(
    scenario,
    'refresh cookie: 503 unavailable',
    `${refreshed.status} ${refreshed.body?.code ?? ''}`,
    refreshed.status === 503,
  );
  const issuing = {
    'POST /auth/login': () =>
      call(a, 'POST', '/api/v1/auth/login', {
        body: { login: creds.user.login, password: creds.user.password },
      }),
    'POST /sessions (exchange)': () =>
      call(a, 'POST', '/api/v1/sessions', {
        body: { type: 'api-key', key: creds.apiKey, secret: creds.apiSecret },
      }),
    'GET /auth/token (opaque mint)': () =>
      call(a, 'GET', '/api/v1/auth/token', { headers: { authorization: creds.user.auth } }),
  };
  for (const [name, send] of Object.entries(issuing)) {
    const res = await send();
    const leaked = /access_token|lk_refresh/.test(res.text + String(res.headers['set-cookie']));
    check(
      scenario,
      `${name}: 503, no token issued`,
      `${res.status}${leaked ? ' WITH A TOKEN' : ', no token'}`,
      res.status === 503 && !leaked,
    );
  }
  const [ready, live] = await Promise.all([call(a, 'GET', '/readyz'), call(a, 'GET', '/healthz')]);
  check(
    scenario,
    '/readyz 503, /healthz 200',
    `${ready.status}, ${live.status}`,
    ready.status === 503 && live.status === 200,
  );

  const restarted = performance.now();
  await db.start();
  const recovered = await waitUntil(
    async () => (await call(a, 'GET', '/readyz')).status === 200,
    RECOVERY_TIMEOUT_MS,
  );
  check(
    scenario,
    'recovers by itself (no server restart): /readyz 200',
    recovered === null
      ? `not within ${RECOVERY_TIMEOUT_MS / 1000} s`
      : `after ${((performance.now() - restarted) / 1000).toFixed(1)} s`,
    recovered !== null,
  );
  const after = [];
  for (const headers of Object.values(creds.headers)) after.push(await verify(a, headers));
  check(
    scenario,
    'every credential 200 again, same processes',
    statusesOf(after),
    after.every((r) => r.status === 200) && a.alive && ctx.b.alive,
  );
  const counts = await db.query(
    "SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM credentials WHERE kind = 'opaque_token') AS opaque",
  );
  check(
    scenario,
    'no session or opaque token row written during the outage',
    `sessions ${before[0].sessions} -> ${counts[0].sessions}, opaque ${before[0].opaque} -> ${counts[0].opaque}`,
    before[0].sessions === counts[0].sessions && before[0].opaque === counts[0].opaque,
  );
}

async function postgresFrozen(ctx) {
  const scenario = 'PostgreSQL frozen (SIGSTOP)';
  log(`\n${scenario}...`);
  const { a, db, creds } = ctx;
  for (const headers of Object.values(creds.headers)) await verify(a, headers);
  await db.freeze();
  let answers;
  try {
    // No FIN, no error: the change feed's heartbeat must notice, and queries must time out.
    await sleep(FREEZE_DETECTION_MS);
    answers = await Promise.all(
      Object.entries(creds.headers).map(async ([kind, headers]) => ({
        kind,
        res: await verify(a, headers).catch((error) => ({ status: 0, ms: NaN, error })),
      })),
    );
    const [ready, live] = await Promise.all([
      call(a, 'GET', '/readyz'),
      call(a, 'GET', '/healthz'),
    ]);
    check(
      scenario,
      '/readyz 503, /healthz 200',
      `${ready.status}, ${live.status}`,
      ready.status === 503 && live.status === 200,
    );
  } finally {
    await db.thaw();
  }
  for (const { kind, res } of answers) {
    check(
      scenario,
      `${kind}: 503 within the query timeout, never from the cache`,
      `${res.status} after ${(res.ms / 1000).toFixed(1)} s`,
      res.status === 503 && res.ms < QUERY_TIMEOUT_MS + 5_000,
    );
  }
  const recovered = await waitUntil(
    async () => (await verify(a, creds.headers.PAT)).status === 200,
    RECOVERY_TIMEOUT_MS,
  );
  check(
    scenario,
    'recovers by itself once thawed',
    recovered === null ? 'no' : `after ${recovered.toFixed(1)} s`,
    recovered !== null,
  );
}

async function concurrentRefreshAcrossInstances(ctx) {
  const scenario = 'one refresh token, 2 instances';
  log(`\n${scenario}...`);
  const { a, b, db } = ctx;
  const sessions = [];
  for (let i = 0; i < 5; i++) sessions.push(await login(a, ctx.creds.user));
  const outcomes = [];
  for (const session of sessions) {
    const sends = [];
    for (let i = 0; i < 4; i++) {
      sends.push(refresh(i % 2 === 0 ? a : b, session.refresh, ctx.publicUrl));
    }
    const answers = await Promise.all(sends);
    const successors = new Set(answers.map((r) => setCookie(r, REFRESH_COOKIE)).filter(Boolean));
    outcomes.push({ answers, successors });
    session.next = [...successors][0];
  }
  const all = outcomes.flatMap((o) => o.answers);
  const fivexx = all.filter((r) => r.status >= 500).length;
  check(
    scenario,
    '20 refreshes (5 tokens x 4, split A/B): all 200 (winner or grace), no 5xx',
    `${all.filter((r) => r.status === 200).length}x200, ${fivexx}x5xx, other ${all.filter((r) => r.status !== 200 && r.status < 500).length}`,
    all.every((r) => r.status === 200),
  );
  check(
    scenario,
    'every tab of a token gets the same successor',
    outcomes.map((o) => o.successors.size).join(','),
    outcomes.every((o) => o.successors.size === 1),
  );
  const two = await familiesWithTwoLiveTokens(db);
  check(scenario, 'families with two live tokens (SQL)', two, two === 0);
  const next = await Promise.all(sessions.map((s) => refresh(b, s.next, ctx.publicUrl)));
  check(
    scenario,
    'the successor refreshes on the other instance',
    statusesOf(next),
    next.every((r) => r.status === 200),
  );
}

async function sigkillUnderLoad(ctx) {
  const scenario = 'SIGKILL + restart under load';
  log(`\n${scenario}...`);
  const { a, db } = ctx;
  const user = ctx.creds.user;
  const issued = [];
  for (let i = 0; i < 3; i++) {
    const s = await login(a, user);
    issued.push({ kind: 'session access JWT', headers: { authorization: `Bearer ${s.access}` } });
    issued.push({ kind: 'PAT', headers: { authorization: `Bearer ${await mintPat(a, user)}` } });
    issued.push({ kind: 'opaque token', headers: { 'x-auth-token': await mintOpaque(a, user) } });
    issued.push({
      kind: 'exchanged JWT',
      headers: {
        authorization: `Bearer ${await exchange(a, ctx.creds.apiKey, ctx.creds.apiSecret)}`,
      },
    });
  }
  // Refresh tokens that nothing touches until after the restart.
  const resting = [];
  for (let i = 0; i < 3; i++) resting.push(await login(a, user));
  // Sessions refreshed over and over while the server dies: their families are checked in SQL.
  const churning = [];
  for (let i = 0; i < 3; i++) churning.push(await login(a, user));

  let i = 0;
  const load = startLoad({
    concurrency: 8,
    next: () => {
      const target = issued[i++ % issued.length];
      return { instance: a, path: '/api/v1/auth/verify', headers: target.headers };
    },
  });
  let churn = true;
  const refreshAnswers = [];
  const churners = churning.map(async (session) => {
    session.cut = false;
    while (churn && !session.ended) {
      let refused = false;
      const res = await refresh(a, session.refresh, ctx.publicUrl).catch((error) => {
        refused = error.code === 'ECONNREFUSED';
        return null;
      });
      if (!res) {
        // Sent but never answered: the kill may have come after the rotation committed. Like a
        // browser, the client retries with the token it holds.
        if (!refused) session.cut = true;
      } else {
        refreshAnswers.push(res.status);
        const next = setCookie(res, REFRESH_COOKIE);
        if (res.status === 200 && next) {
          session.refresh = next;
          session.access = res.body.access_token;
          if (session.cut) session.retry = 200;
        } else if (res.status === 401) {
          session.ended = true;
          if (session.cut) session.retry = 401;
        }
      }
      await sleep(res ? 50 : 200);
    }
  });

  await sleep(3_000);
  await a.stop('SIGKILL');
  const killedAt = performance.now();
  await a.start();
  const downtime = (performance.now() - killedAt) / 1000;
  await sleep(3_000);
  churn = false;
  await Promise.all(churners);
  const stats = await load.stop();
  loads.push({
    phase: `SIGKILL + restart of one instance (down ${downtime.toFixed(1)} s)`,
    ...stats,
  });

  const fivexx = Object.entries(stats.statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, n]) => sum + n, 0);
  check(
    scenario,
    'load: no 5xx (refused connections only while down)',
    `${stats.answered} answered, ${fivexx}x5xx, network errors ${JSON.stringify(stats.errors)}, down ${downtime.toFixed(1)} s`,
    fivexx === 0 && stats.answered > 0,
  );
  const byKind = new Map();
  for (const { kind, headers } of issued) {
    const res = await verify(a, headers);
    const entry = byKind.get(kind) ?? { ok: 0, total: 0 };
    entry.total += 1;
    if (res.status === 200) entry.ok += 1;
    byKind.set(kind, entry);
  }
  for (const [kind, { ok, total }] of byKind) {
    check(scenario, `${kind} issued before the kill still works`, `${ok}/${total}`, ok === total);
  }
  const restingAnswers = await Promise.all(
    resting.map((s) => refresh(a, s.refresh, ctx.publicUrl)),
  );
  check(
    scenario,
    'refresh tokens issued before the kill still refresh',
    statusesOf(restingAnswers),
    restingAnswers.every((r) => r.status === 200),
  );
  const whole = churning.filter((s) => !s.ended);
  const wholeAccess = await Promise.all(
    whole.map((s) => verify(a, { authorization: `Bearer ${s.access}` })),
  );
  const wholeRefresh = await Promise.all(whole.map((s) => refresh(a, s.refresh, ctx.publicUrl)));
  check(
    scenario,
    'sessions refreshed through the kill: latest access and refresh tokens work',
    `${whole.length} of ${churning.length} sessions: access ${statusesOf(wholeAccess)}, refresh ${statusesOf(wholeRefresh)}`,
    [...wholeAccess, ...wholeRefresh].every((r) => r.status === 200),
  );
  // A refresh whose answer the kill swallowed is retried with the token the client holds: within
  // AUTH_REFRESH_REUSE_GRACE it yields the live token; later it is reuse and ends the session
  // (SPEC), which must then show as such in the database.
  const ended = churning.filter((s) => s.ended);
  const reasons = await Promise.all(
    ended.map(async (s) => {
      const [row] = await db.query('SELECT revoked_reason FROM sessions WHERE id = $1', [
        sessionIdOf(s.access),
      ]);
      return row?.revoked_reason ?? 'not revoked';
    }),
  );
  check(
    scenario,
    `a refresh cut by the kill, retried: live token within the ${GRACE_S} s grace, else reuse ends the session`,
    churning.some((s) => s.cut)
      ? `${churning.filter((s) => s.cut).length} cut, retries ${churning
          .filter((s) => s.cut)
          .map((s) => s.retry ?? 'none')
          .join(',')}; ended sessions: ${reasons.join(',') || 'none'}`
      : 'no refresh was cut',
    churning.every((s) => !s.ended || s.cut) && reasons.every((r) => r === 'refresh_reuse'),
  );
  check(
    scenario,
    'refreshes during the drill: no 5xx',
    `${refreshAnswers.length} answered, ${refreshAnswers.filter((s) => s >= 500).length}x5xx`,
    refreshAnswers.every((s) => s < 500),
  );
  const two = await familiesWithTwoLiveTokens(db);
  check(scenario, 'families with two live tokens (SQL)', two, two === 0);
}

async function poolExhausted(ctx) {
  const scenario = 'connection pool exhausted';
  log(`\n${scenario}...`);
  const { a, db, creds } = ctx;
  // Thirty PATs never presented yet: each request below is a cache miss, so each one looks its
  // PAT up (a cached credential and /users/me read no table, and would not hold a connection).
  const pats = [];
  for (let i = 0; i < 30; i += 1) pats.push(await mintPat(a, creds.user));
  const side = await db.client();
  const started = performance.now();
  let answers;
  try {
    await side.query('BEGIN');
    // Every query on credentials now waits for this lock, holding its pool connection meanwhile.
    await side.query('LOCK TABLE credentials IN ACCESS EXCLUSIVE MODE');
    const requests = pats.map((pat) =>
      call(a, 'GET', '/api/v1/users/me', {
        headers: { authorization: `Bearer ${pat}` },
        timeoutMs: 60_000,
      }).catch((error) => ({
        status: 0,
        error,
        ms: performance.now() - started,
      })),
    );
    const side503 = Promise.all([call(a, 'GET', '/readyz'), call(a, 'GET', '/healthz')]);
    const release = sleep(LOCK_HOLD_MS).then(() => side.query('ROLLBACK'));
    const [health] = await Promise.all([side503, release]);
    answers = await Promise.all(requests);
    check(
      scenario,
      '/readyz 503 and /healthz 200 while exhausted',
      `${health[0].status}, ${health[1].status}`,
      health[0].status === 503 && health[1].status === 200,
    );
  } finally {
    await side.end().catch(() => undefined);
  }
  const unavailable = answers.filter((r) => r.status === 503);
  const served = answers.filter((r) => r.status === 200);
  const other = answers.filter((r) => r.status !== 503 && r.status !== 200);
  const waits = unavailable.map((r) => r.ms).sort((x, y) => x - y);
  const slowest = Math.max(...answers.map((r) => r.ms));
  check(
    scenario,
    '30 requests, 10 connections: 503 after a bounded wait, the rest 200, no 500, no hang',
    `${served.length}x200, ${unavailable.length}x503 (waited ${(waits[0] / 1000).toFixed(1)}-${(waits.at(-1) / 1000).toFixed(1)} s), ${other.length} other, slowest ${(slowest / 1000).toFixed(1)} s`,
    other.length === 0 && unavailable.length > 0 && slowest < LOCK_HOLD_MS + 10_000,
  );
  check(
    scenario,
    '503s carry code unavailable and Retry-After',
    `${unavailable.filter((r) => r.body?.code === 'unavailable' && r.headers['retry-after']).length}/${unavailable.length}`,
    unavailable.every((r) => r.body?.code === 'unavailable' && r.headers['retry-after']),
  );
  const after = await call(a, 'GET', '/api/v1/users/me', { headers: creds.headers.PAT });
  check(scenario, 'serves again once connections return', after.status, after.status === 200);
}

/** Waits until the current TOTP step has at least `marginS` seconds left. */
async function awayFromStepEdge(marginS = 3) {
  const intoStep = (Date.now() / 1000) % 30;
  if (30 - intoStep < marginS) await sleep((30 - intoStep + 0.2) * 1000);
}

async function enrolTotp(at, user) {
  const setup = await call(at, 'POST', '/api/v1/auth/mfa/totp/setup', {
    headers: { authorization: user.auth },
  });
  const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
  await awayFromStepEdge();
  const enabled = await call(at, 'POST', '/api/v1/auth/mfa/totp/enable', {
    headers: { authorization: user.auth },
    body: { code: totp.generate() },
  });
  if (enabled.status !== 200) throw new Error(`TOTP enable: ${enabled.status} ${enabled.text}`);
  // The enabling code's step is spent: the login below must use a later one.
  await sleep((30 - ((Date.now() / 1000) % 30) + 0.2) * 1000);
  return totp;
}

async function clockSkew(ctx) {
  log('\nclock skew (instance B shifted through CLOCK_OFFSET_MS, A is the issuer)...');
  const { a, b } = ctx;
  const user = ctx.creds.user;
  // One TOTP user per skew: each code step can be spent once.
  const totpUsers = [];
  while (totpUsers.length < SKEWS.length) {
    totpUsers.push(await provisionUser(a, ctx.adminAuth, `chaos-totp-${randomSecret(3)}`));
  }
  // Enrolments wait for a fresh TOTP step each; run them together.
  const totps = await Promise.all(totpUsers.map((u) => enrolTotp(a, u)));

  for (const [index, skew] of SKEWS.entries()) {
    const scenario = `clock skew ${skew.label}`;
    await b.stop();
    await b.start({ CLOCK_OFFSET_MS: String(skew.ms) });
    const inside = Math.abs(skew.ms) <= LEEWAY_MS;

    const fromA = await login(a, user);
    const resFresh = await verify(b, { authorization: `Bearer ${fromA.access}` });
    const freshAccepted = skew.ms >= -LEEWAY_MS;
    check(
      scenario,
      `fresh access JWT from A on B: ${freshAccepted ? '200' : '401 (iat beyond leeway in the future)'}`,
      resFresh.status,
      resFresh.status === (freshAccepted ? 200 : 401),
    );

    const fromB = await login(b, user);
    const resBack = await verify(a, { authorization: `Bearer ${fromB.access}` });
    const backAccepted = skew.ms <= LEEWAY_MS;
    check(
      scenario,
      `fresh access JWT from B on A: ${backAccepted ? '200' : '401 (iat beyond leeway in the future)'}`,
      resBack.status,
      resBack.status === (backAccepted ? 200 : 401),
    );

    const pat = await mintPat(a, user, new Date(Date.now() + 20_000).toISOString());
    const resPat = await verify(b, { authorization: `Bearer ${pat}` });
    const patAccepted = inside;
    check(
      scenario,
      `PAT from A expiring in 20 s, on B: ${patAccepted ? '200' : '401'}`,
      resPat.status,
      resPat.status === (patAccepted ? 200 : 401),
    );

    const totpUser = totpUsers[index];
    const step = await call(b, 'POST', '/api/v1/auth/login', {
      body: { login: totpUser.login, password: totpUser.password },
    });
    // At ±30 s the code is one step from B's own: crossing a step edge on the way would make
    // it two, so leave room for a slow request on a busy machine.
    await awayFromStepEdge(10);
    const mfa = await call(b, 'POST', '/api/v1/auth/login/mfa', {
      body: { mfa_token: step.body?.mfa_token, code: totps[index].generate() },
    });
    const totpAccepted = Math.abs(skew.ms) <= 30_000;
    check(
      scenario,
      `TOTP code of the true time on B: ${totpAccepted ? '200 (within one 30 s step)' : 'refused'}`,
      mfa.status,
      totpAccepted ? mfa.status === 200 : mfa.status >= 400 && mfa.status < 500,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function run(ctx) {
  log(`Starting PostgreSQL in ${ctx.root}...`);
  await ctx.db.start();
  log(`Starting instances A (${ctx.a.base}) and B (${ctx.b.base})...`);
  await ctx.a.start();
  await ctx.b.start();
  ctx.adminAuth = basic(ADMIN_LOGIN, ADMIN_PASSWORD);
  const user = await provisionUser(ctx.a, ctx.adminAuth, `chaos-${randomSecret(3)}`);
  ctx.creds = await mintEveryKind(ctx.a, ctx.adminAuth, user);

  await baselineLoad(ctx);
  await postgresStopped(ctx);
  await postgresFrozen(ctx);
  await concurrentRefreshAcrossInstances(ctx);
  await sigkillUnderLoad(ctx);
  await poolExhausted(ctx);
  await clockSkew(ctx);
}

function printTable() {
  const rows = [
    ['scenario', 'expectation', 'observed', 'result'],
    ...checks.map((c) => [c.scenario, c.expectation, c.observed, c.pass ? 'pass' : 'FAIL']),
  ];
  const widths = rows[0].map((_, i) => Math.min(90, Math.max(...rows.map((r) => r[i].length))));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  log('');
  log(line(rows[0]));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) log(line(row));
  log('');
}

async function main() {
  const startedAt = new Date();
  const root = await mkdtemp(join(tmpdir(), 'latchkey-chaos-'));
  const [portA, portB] = [await findFreePort(), await findFreePort()];
  const publicUrl = `http://${HOST}:${portA}`;
  const shared = {
    PUBLIC_URL: publicUrl,
    ENCRYPTION_KEY: randomSecret(24),
    LOG_LEVEL: 'warn',
    BOOTSTRAP_ADMIN_LOGIN: ADMIN_LOGIN,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  const db = new Database(root);
  const env = () => ({ ...shared, DATABASE_URL: db.url });
  const instance = (name, port) => {
    const it = new Instance({ name, mainJs: MAIN_JS, port, dataDir: join(root, name), env: {} });
    // DATABASE_URL is known once PostgreSQL has started.
    const start = it.start.bind(it);
    it.start = async (overrides = {}) => {
      it.env = env();
      const seconds = await start(overrides);
      const offset = overrides.CLOCK_OFFSET_MS
        ? ` with CLOCK_OFFSET_MS=${overrides.CLOCK_OFFSET_MS}`
        : '';
      log(`  ${name} ready in ${seconds.toFixed(1)} s${offset}`);
      return seconds;
    };
    return it;
  };
  const ctx = { root, db, publicUrl, a: instance('A', portA), b: instance('B', portB) };

  const cleanup = async () => {
    await Promise.all([ctx.a.stop('SIGKILL'), ctx.b.stop('SIGKILL')]);
    await db.thaw().catch(() => undefined);
    await db.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
  const onSignal = () => {
    log('Interrupted: cleaning up.');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let crashed = null;
  const t0 = performance.now();
  try {
    await run(ctx);
  } catch (error) {
    crashed = error;
    check('drill', 'runs to the end', `stopped: ${error.message.split('\n')[0]}`, false);
    for (const it of [ctx.a, ctx.b]) {
      if (it.output.trim()) log(`--- ${it.name} output (tail) ---\n${it.output.slice(-3000)}`);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanup();
  }
  const seconds = (performance.now() - t0) / 1000;
  printTable();
  const failed = checks.filter((c) => !c.pass).length;
  const file = await writeReliabilityReport({
    repoRoot: REPO_ROOT,
    startedAt,
    seconds,
    checks,
    loads,
    node: process.version,
  });
  log(`Wrote ${file}.`);
  if (crashed) log(`The drill stopped early: ${crashed.stack ?? crashed}`);
  log(
    failed === 0
      ? `All ${checks.length} checks passed in ${seconds.toFixed(0)} s.`
      : `FAILED: ${failed} of ${checks.length} checks (${seconds.toFixed(0)} s).`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`chaos failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
