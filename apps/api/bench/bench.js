// `npm run bench`: Latchkey's production build against two reference apps, on autocannon.
//
// Builds first (nx: the API, the admin SPA as `npm start` serves it, and the reference apps of
// bench/reference compiled with swc into bench/dist). Then, on a throwaway embedded PostgreSQL
// (or a scratch database on DATABASE_URL's server when that is set):
//   1. the matrix: the bare NestJS + Fastify hello, the docs' passport-jwt recipe, /healthz,
//      every credential method on /users/me and /auth/verify, introspection, login and token
//      exchange; interleaved (order rotated per round), ROUNDS rounds, medians reported;
//   2. refresh, each connection chaining its own lk_refresh cookie;
//   3. the scale series: cold (cache-miss) and warm verification at 1k, 100k and 1M stored
//      credentials, seeded with SQL (lib/seed.js);
//   4. two instances on one PostgreSQL: a PAT revoked on A, polled on B until 401;
//   5. a login flood: PAT p99 with and without POST /auth/login hammered;
//   6. memory: the server's peak RSS at 1M credentials.
// Prints the tables, writes bench/results/latest.{json,md} at the repository root, and exits
// non-zero when a server does not start or a scenario has errors.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { CONFIG_VARIABLES } from '../dist/config/config.schema.js';
import { takeOverShutdownSignals } from '../dist/database/embedded-postgres.js';
import { jwtConstants } from './dist/reference/recipe/auth/constants.js';
import {
  ADMIN_LOGIN,
  ADMIN_PASSWORD,
  bearer,
  createPats,
  issueCredentials,
  kidOf,
  login,
  MAIN_LOGIN,
  USER_PASSWORD,
} from './lib/credentials.js';
import { call, closeConnections, cookieValue, expect, HOST } from './lib/http.js';
import { CONNECTIONS, measure, measureWithin, start } from './lib/load.js';
import { Server, sleep, startDatabase, withClient } from './lib/processes.js';
import {
  checkTargets,
  combineRounds,
  fmtCount,
  machine,
  markdownReport,
  percentile,
  scaleRows,
  scenarioRows,
  textTable,
  withRatios,
} from './lib/report.js';
import { loginRequests, matrix, rotated, SLOW_CONNECTIONS } from './lib/scenarios.js';
import {
  countCredentials,
  insertOpaqueTokens,
  passwordHashOf,
  seedCredentials,
  SEEDED_USER_PREFIX,
  seedUsers,
} from './lib/seed.js';

const ROUNDS = 3;
const DURATION_S = 2;
const FIRST_WARMUP_S = 1;
const WARMUP_S = 0.25;
const SEEDED_USERS = 5_000;
/** Users the Basic login:password scenarios take turns with (see the note in the report). */
const BASIC_USERS = 25;
const REFRESH_PER_CONNECTION = 20;
const SCALE_LEVELS = [1_000, 100_000, 1_000_000];
/** Credentials of each kind the scale series presents (each one a cache miss once per pass). */
const SCALE_TOKENS = 400;
const SCALE_PASSES = 2;
const REVOCATIONS = 100;
const REVOCATION_CAP_MS = 3_000;
/** PAT requests on /users/me at a steady rate, each waited for; at most FLOOD_CAP_S per run. */
const FLOOD_PROBE = { connections: 10, overallRate: 1_000, amount: 2_000 };
const FLOOD_CAP_S = 15;

const here = dirname(fileURLToPath(import.meta.url));
const MAIN_JS = resolve(here, '../dist/main.js');
const RESULTS_DIR = resolve(here, '../../../bench/results');

const log = (message) => process.stdout.write(`${message}\n`);

/**
 * The inherited environment without any Latchkey variable, then the server's: defaults else.
 * Instances of one deployment share PUBLIC_URL (the issuer of their tokens).
 */
function latchkeyEnv({ databaseUrl, dataDir, publicUrl }) {
  const inherited = { ...process.env };
  for (const name of Object.keys(CONFIG_VARIABLES)) delete inherited[name];
  return (port) => ({
    ...inherited,
    HOST,
    PORT: String(port),
    PUBLIC_URL: publicUrl ?? `http://${HOST}:${port}`,
    DATABASE_URL: databaseUrl,
    // Shared by every instance: the master key that seals the signing keys lives here.
    DATA_DIR: dataDir,
    BOOTSTRAP_ADMIN_LOGIN: ADMIN_LOGIN,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  });
}

function latchkeyServer(name, options) {
  return new Server({
    name,
    script: MAIN_JS,
    env: latchkeyEnv(options),
    // The data directory as cwd: a developer's .env is not read.
    cwd: options.dataDir,
    readyPath: '/readyz',
  });
}

function referenceServer(name, app, readyPath, readyStatus) {
  return new Server({
    name,
    script: join(here, 'dist/reference', app, 'main.js'),
    env: (port) => ({ ...process.env, PORT: String(port) }),
    cwd: here,
    readyPath,
    readyStatus,
  });
}

/** The recipe's token, as its AuthService signs one ({ username, sub }, HS256, the secret). */
function recipeToken() {
  return new SignJWT({ username: 'john' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('1')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(Buffer.from(jwtConstants.secret, 'utf8'));
}

/** autocannon's options for a round: for DURATION_S, or by count for the argon2id scenarios. */
function roundOptions({ perConnection, ...options }, round) {
  if (!perConnection) {
    return { ...options, duration: DURATION_S, warmup: round === 0 ? FIRST_WARMUP_S : WARMUP_S };
  }
  return {
    ...options,
    connections: SLOW_CONNECTIONS,
    maxConnectionRequests: perConnection,
    duration: 120,
    warmupRequests: round === 0 ? 1 : 0,
  };
}

async function runMatrix(list) {
  const rounds = new Map(list.map((s) => [s.id, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of rotated(list, round, ROUNDS)) {
      const { id, group: _group, name, ...scenario } = s;
      const result = await measure(roundOptions(scenario, round));
      rounds.get(id).push(result);
      log(
        `  round ${round + 1}/${ROUNDS}  ${name}: ${Math.round(result.rps)} req/s, p99 ${result.p99} ms${result.errors ? `, ${result.errors} errors ${JSON.stringify(result.statuses)}` : ''}`,
      );
    }
  }
  return withRatios(
    list.map(({ id, group, name }) => ({ id, group, name, ...combineRounds(rounds.get(id)) })),
  );
}

/** Set-Cookie values among the raw [name, value, …] headers autocannon hands over. */
function setCookies(rawHeaders) {
  const values = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (String(rawHeaders[i]).toLowerCase() === 'set-cookie')
      values.push(String(rawHeaders[i + 1]));
  }
  return values;
}

/**
 * POST /auth/refresh at CONNECTIONS connections, each connection holding one session and sending
 * the cookie its last answer set (the token rotates on every use). Every connection stops after
 * `perConnection` answers, so no rotation is lost in flight and the sessions serve the next round.
 */
function measureRefresh(base, sessions, perConnection) {
  let taken = 0;
  return measure({
    url: `${base}/api/v1/auth/refresh`,
    method: 'POST',
    maxConnectionRequests: perConnection,
    duration: 120,
    setupClient(client) {
      const session = sessions[taken % sessions.length];
      taken += 1;
      const send = () =>
        client.setHeaders({ origin: base, cookie: `lk_refresh=${session.refreshToken}` });
      send();
      client.on('headers', ({ statusCode, headers }) => {
        const rotated = statusCode === 200 && cookieValue(setCookies(headers), 'lk_refresh');
        if (rotated) {
          session.refreshToken = rotated;
          send();
        }
      });
    },
  });
}

async function runRefresh(base) {
  const sessions = [];
  for (let i = 1; i <= CONNECTIONS; i += 1) {
    sessions.push(await login(base, `${SEEDED_USER_PREFIX}${i}`, USER_PASSWORD));
  }
  await measureRefresh(base, sessions, 5);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    rounds.push(await measureRefresh(base, sessions, REFRESH_PER_CONNECTION));
  }
  return {
    id: 'refresh',
    group: 'operation',
    name: 'POST /auth/refresh (cookie chained per connection)',
    ...combineRounds(rounds),
  };
}

/** A request list that presents the tokens in turn, one per request, across every connection. */
function presenting(tokens, headerOf) {
  let next = 0;
  return [
    {
      setupRequest(request) {
        request.headers = { ...request.headers, ...headerOf(tokens[next % tokens.length]) };
        next += 1;
        return request;
      },
    },
  ];
}

/**
 * Per level: restart the server (empty caches), warm it up with other credentials, then present
 * each token once (cold: every request a cache miss down to PostgreSQL) and then in turn for
 * DURATION_S (warm). SCALE_PASSES passes per level; medians reported.
 */
async function runScale({ server, databaseUrl, credentials }) {
  const base = () => server.base;
  const minters = [];
  for (let i = 1; i <= 10; i += 1)
    minters.push(await login(base(), `${SEEDED_USER_PREFIX}${i}`, USER_PASSWORD));
  const pats = (await createPats(base(), minters, SCALE_TOKENS)).map((p) => p.token);
  const kid = kidOf(pats[0]);
  const opaques = await withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT id FROM users WHERE login LIKE $1 ORDER BY login LIMIT 100`,
      [`${SEEDED_USER_PREFIX}%`],
    );
    return insertOpaqueTokens(db, { userIds: rows.map((r) => r.id), count: SCALE_TOKENS });
  });
  const kinds = {
    pat: { label: 'PAT, /users/me', tokens: pats, header: (t) => bearer(t) },
    opaque: { label: 'opaque, /users/me', tokens: opaques, header: (t) => ({ 'x-auth-token': t }) },
  };
  // One unmeasured use of each token first: the first reads of freshly inserted rows set their
  // hint bits (page writes), which only the first level would otherwise pay for.
  for (const kind of Object.values(kinds)) {
    await measure({
      url: `${base()}/api/v1/users/me`,
      amount: kind.tokens.length,
      requests: presenting(kind.tokens, kind.header),
    });
  }
  const levels = [];
  for (const total of SCALE_LEVELS) {
    const started = performance.now();
    const stored = await withClient(databaseUrl, (db) => seedCredentials(db, { total, kid }));
    log(
      `  ${fmtCount(total)} credentials stored (${stored.pat} PATs, ${stored.opaque} opaque tokens), seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const passes = Object.fromEntries(Object.keys(kinds).map((k) => [k, { cold: [], warm: [] }]));
    for (let pass = 0; pass < SCALE_PASSES; pass += 1) {
      await server.stop();
      await server.start();
      // JIT and connection pool warm, caches holding none of the tokens measured below.
      await measure({
        url: `${base()}/api/v1/users/me`,
        headers: bearer(credentials.pat),
        duration: 1,
      });
      await measure({
        url: `${base()}/api/v1/users/me`,
        headers: { 'x-auth-token': credentials.opaque },
        duration: 1,
      });
      for (const [name, kind] of Object.entries(kinds)) {
        const url = `${base()}/api/v1/users/me`;
        passes[name].cold.push(
          await measure({
            url,
            amount: kind.tokens.length,
            requests: presenting(kind.tokens, kind.header),
          }),
        );
        passes[name].warm.push(
          await measure({
            url,
            duration: DURATION_S,
            requests: presenting(kind.tokens, kind.header),
          }),
        );
      }
    }
    const level = { total, stored, kinds: {} };
    for (const [name, kind] of Object.entries(kinds)) {
      level.kinds[name] = {
        label: kind.label,
        cold: combineRounds(passes[name].cold),
        warm: combineRounds(passes[name].warm),
      };
      log(
        `  ${fmtCount(total)} ${kind.label}: cold p50 ${level.kinds[name].cold.p50} ms p99 ${level.kinds[name].cold.p99} ms; warm ${Math.round(level.kinds[name].warm.rps)} req/s p99 ${level.kinds[name].warm.p99} ms`,
      );
    }
    levels.push(level);
  }
  return levels;
}

/** REVOCATIONS PATs cached by B, each revoked on A, then B polled until it answers 401. */
async function runRevocation(a, b) {
  const session = await login(a.base, MAIN_LOGIN, USER_PASSWORD);
  const pats = await createPats(a.base, [session], REVOCATIONS);
  for (const pat of pats)
    await expect(200, b.base, 'GET', '/api/v1/users/me', { headers: bearer(pat.token) });
  const samples = [];
  let timeouts = 0;
  for (const pat of pats) {
    const started = performance.now();
    await expect(204, a.base, 'DELETE', `/api/v1/personal-access-tokens/${pat.id}`, {
      headers: bearer(session.accessToken),
    });
    for (;;) {
      const res = await call(b.base, 'GET', '/api/v1/users/me', { headers: bearer(pat.token) });
      const elapsed = performance.now() - started;
      if (res.status === 401) {
        samples.push(elapsed);
        break;
      }
      if (res.status !== 200)
        throw new Error(`B answered ${res.status} while polling a revoked PAT`);
      if (elapsed > REVOCATION_CAP_MS) {
        timeouts += 1;
        break;
      }
    }
  }
  return {
    samples: samples.length + timeouts,
    p50: percentile(samples, 50),
    p99: timeouts > 0 ? Infinity : percentile(samples, 99),
    max: Math.max(...samples),
    timeouts,
    capMs: REVOCATION_CAP_MS,
  };
}

/**
 * The PAT probe alone, then again while CONNECTIONS connections sign in (the flood starts a second
 * earlier and stops once the probe has its answers).
 */
async function runFlood(server, credentials) {
  const probe = {
    url: `${server.base}/api/v1/users/me`,
    headers: bearer(credentials.pat),
    ...FLOOD_PROBE,
  };
  await measure({ ...probe, amount: undefined, duration: 1 });
  const before = await measureWithin(FLOOD_CAP_S, probe);
  const flood = start({
    url: `${server.base}/api/v1/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: loginRequests(SEEDED_USERS),
    duration: 300,
    // Neither the failure limiter's answer nor a login shed by the bounded password hashing is an
    // error here (every login is valid: the flood is meant to be more than the server can hash).
    expected: [429, 503],
  });
  await sleep(1_000);
  const during = await measureWithin(FLOOD_CAP_S, probe);
  flood.stop();
  return { before, during, logins: await flood.result, planned: FLOOD_PROBE.amount };
}

async function main() {
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), 'latchkey-bench-'));
  // Under root, the embedded cluster belongs to the postgres OS user, which must get through.
  await chmod(root, 0o711);
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const servers = [];
  let database = null;
  const cleanUp = async () => {
    for (const server of servers) await server.stop();
    await database?.stop();
    closeConnections();
    await rm(root, { recursive: true, force: true });
  };
  // embedded-postgres would stop the cluster and exit on its own: clean up in order instead.
  takeOverShutdownSignals();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping the servers and PostgreSQL.`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    database = await startDatabase({
      dir: join(root, 'pg'),
      externalUrl: process.env.DATABASE_URL,
    });
    const options = { databaseUrl: database.url, dataDir };
    const latchkey = latchkeyServer('Latchkey', options);
    const hello = referenceServer('the bare hello', 'hello', '/', 200);
    const recipe = referenceServer('the passport-jwt recipe', 'recipe', '/profile', 401);
    for (const server of [latchkey, hello, recipe]) {
      servers.push(server);
      const seconds = await server.start();
      log(`${server.name} ready on ${server.base} in ${seconds.toFixed(1)} s`);
    }
    log(`PostgreSQL: ${database.where}. Node ${process.version}.`);

    const credentials = await issueCredentials(latchkey.base);
    await withClient(database.url, async (db) =>
      seedUsers(db, { count: SEEDED_USERS, passwordHash: await passwordHashOf(db, MAIN_LOGIN) }),
    );
    log(`${SEEDED_USERS} users seeded; one credential of every kind issued.`);

    log(`\nMatrix: ${ROUNDS} interleaved rounds, ${CONNECTIONS} connections, ${DURATION_S} s each`);
    const list = matrix({
      latchkey,
      hello,
      recipe,
      credentials,
      recipeToken: await recipeToken(),
      seededUsers: SEEDED_USERS,
      basicUsers: BASIC_USERS,
    });
    const scenarios = await runMatrix(list);
    log('\nRefresh, chained per connection');
    const refresh = await runRefresh(latchkey.base);
    log(
      `  ${Math.round(refresh.rps)} req/s, p50 ${refresh.p50} ms, p99 ${refresh.p99} ms, ${refresh.errors} errors`,
    );
    scenarios.push(withRatios([...scenarios, refresh]).at(-1));

    log('\nScale series');
    const scale = await runScale({ server: latchkey, databaseUrl: database.url, credentials });
    const peakAfterScale = await latchkey.peakRssMiB();

    log('\nTwo instances on one PostgreSQL');
    const second = latchkeyServer('Latchkey B', { ...options, publicUrl: latchkey.base });
    servers.push(second);
    await second.start();
    const revocation = await runRevocation(latchkey, second);
    const exitCodes = [[second.name, await second.stop()]];
    log(
      `  revocation seen by B: p50 ${revocation.p50.toFixed(1)} ms, p99 ${revocation.p99.toFixed(1)} ms`,
    );

    log('\nLogin flood');
    const flood = await runFlood(latchkey, credentials);
    log(
      `  PAT p99 ${flood.before.p99} ms without, ${flood.during.p99} ms during (${Math.round(flood.logins.rps)} logins/s)`,
    );

    const stored = await withClient(database.url, countCredentials);
    const memory = {
      credentials: SCALE_LEVELS.at(-1),
      stored,
      peakRssMiB: await latchkey.peakRssMiB(),
      peakAfterScaleMiB: peakAfterScale,
    };
    // The reference apps end on the signal itself; Latchkey must exit 0 from its own handler.
    exitCodes.push([latchkey.name, await latchkey.stop()]);
    const report = buildReport({ started, database, scenarios, scale, revocation, flood, memory });
    await writeResults(report);
    printReport(report);
    return failures(report, exitCodes);
  } finally {
    await cleanUp();
  }
}

function buildReport({ started, database, scenarios, scale, revocation, flood, memory }) {
  const report = {
    finishedAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    machine: machine(),
    database: database.where,
    settings: {
      autocannon: createRequire(import.meta.url)('autocannon/package.json').version,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      durationSeconds: DURATION_S,
      description:
        `autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds (order rotated per round) of ${DURATION_S} s per scenario ` +
        `after a warm-up (${FIRST_WARMUP_S} s in round 1, ${WARMUP_S} s later); medians over rounds. ` +
        'Default configuration, request logs on (LOG_LEVEL info), server stdout to /dev/null.',
    },
    scenarios,
    scale,
    revocation,
    flood,
    memory,
    notes: [
      'Basic login:password and POST /auth/login verify an argon2id hash (19 MiB, 2 passes) per request: slow by design.',
      `Basic login:password presents ${BASIC_USERS} seeded users in turn: the failure limiter lets at most AUTH_LOGIN_MAX_FAILURES (10) checks of one login run at once. POST /auth/login signs in the ${SEEDED_USERS} seeded users in turn. Both run over ${SLOW_CONNECTIONS} connections: password hashing sheds what its queue cannot hold with 503.`,
      `Refresh: each connection holds its own session and sends the lk_refresh cookie its previous answer set; ${REFRESH_PER_CONNECTION} refreshes per connection per round.`,
      "Latencies are autocannon's, in whole milliseconds. The recipe's token is signed by the bench with the recipe's secret (HS256; @nestjs/jwt is not a dependency here).",
    ],
    scaleDescription:
      `Stored credentials: half PATs, half opaque tokens, synthetic rows seeded with generate_series over ${SEEDED_USERS} seeded users. ` +
      `${SCALE_TOKENS} real tokens of each kind are presented: cold = each once right after a restart (every request a cache miss), ` +
      `warm = in turn for ${DURATION_S} s. ${SCALE_PASSES} passes per level (a restart before each), medians; ${CONNECTIONS} connections.`,
    extras: [
      `Two instances on one PostgreSQL: ${revocation.samples} PATs cached by B, each revoked on A (DELETE /personal-access-tokens/{id}), B polled back to back until 401: ` +
        `p50 ${revocation.p50.toFixed(1)} ms, p99 ${revocation.p99.toFixed(1)} ms, max ${revocation.max.toFixed(1)} ms, measured from the DELETE sent${revocation.timeouts ? `; ${revocation.timeouts} not refused within ${REVOCATION_CAP_MS} ms` : ''}.`,
      `Login flood: ${FLOOD_PROBE.amount} PAT requests on /users/me at ${FLOOD_PROBE.overallRate} req/s over ${FLOOD_PROBE.connections} connections, each answer waited for (at most ${FLOOD_CAP_S} s per run): ` +
        `${flood.before.requests} answered, p50 ${flood.before.p50} ms, p99 ${flood.before.p99} ms alone; ` +
        `${flood.during.requests} answered in ${flood.during.seconds.toFixed(1)} s, p50 ${flood.during.p50} ms, p99 ${flood.during.p99} ms while ${CONNECTIONS} connections sign in (valid passwords of the ${SEEDED_USERS} seeded users in turn, so the failure limiter never trips): ` +
        `${Math.round(flood.logins.rps)} logins/s, statuses ${JSON.stringify(flood.logins.statuses)}.`,
      `Memory: peak RSS (VmHWM) of the server that ran the ${fmtCount(memory.credentials)} level, the two-instance test and the flood: ${memory.peakRssMiB.toFixed(0)} MiB (${memory.peakAfterScaleMiB.toFixed(0)} MiB after the scale series).`,
    ],
  };
  report.targets = checkTargets(report);
  return report;
}

async function writeResults(report) {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(RESULTS_DIR, 'latest.md'), markdownReport(report));
}

function printReport(report) {
  log(`\n${textTable(scenarioRows(report.scenarios))}\n`);
  for (const note of report.notes) log(`- ${note}`);
  log(`\n${textTable(scaleRows(report.scale))}\n`);
  for (const line of report.extras) log(`- ${line}`);
  log('\nTargets (issue 12):');
  for (const t of report.targets) log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.detail}`);
  log('');
  const m = report.machine;
  log(
    `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB, Node ${m.node}, load average ${m.loadAverage.join(' / ')}; ${Math.round(report.seconds)} s.`,
  );
  log(`Written to ${relative(process.cwd(), RESULTS_DIR)}/latest.json and latest.md.`);
}

/** 1 when a scenario had errors or no answer, or Latchkey did not stop cleanly, else 0. */
function failures(report, exitCodes) {
  const failed = [
    ...report.scenarios
      .filter((s) => s.errors > 0 || s.rounds.some((round) => round.requests === 0))
      .map(
        (s) =>
          `${s.name}: ${s.errors} errors ${JSON.stringify(s.statuses)}, answers per round ${s.rounds.map((r) => r.requests).join(', ')}`,
      ),
    ...report.scale.flatMap((level) =>
      Object.values(level.kinds).flatMap((kind) =>
        ['cold', 'warm']
          .filter((phase) => kind[phase].errors > 0)
          .map(
            (phase) =>
              `${fmtCount(level.total)} ${kind.label} ${phase}: ${kind[phase].errors} errors ${JSON.stringify(kind[phase].statuses)}`,
          ),
      ),
    ),
    ...['before', 'during', 'logins']
      .filter((phase) => report.flood[phase].errors > 0)
      .map(
        (phase) =>
          `login flood (${phase}): ${report.flood[phase].errors} errors ${JSON.stringify(report.flood[phase].statuses)}`,
      ),
    ...exitCodes
      .filter(([, code]) => code !== 0)
      .map(([name, code]) => `${name} exited with ${code} on SIGTERM`),
  ];
  for (const line of failed) log(`FAILED: ${line}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
