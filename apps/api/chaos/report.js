// Writes docs/reliability.md from a chaos run, the test suite's results
// (test-results/api.json, Jest's JSON) and the attack suite's summary
// (test-results/attack/<spec>.json, one per attack spec: { casesTried, accepted, fivexx,
// secretsInLogs }, added up here).
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';

export const ATTACK_SUMMARY = 'test-results/attack';
const SUITE_RESULTS = 'test-results/api.json';
const TESTS = 'apps/api/test';

/**
 * OWASP ASVS 5.0.0 requirements on input validation (V2), web frontend security (V3),
 * authentication (V6), session management (V7), self-contained tokens (V9) and secret handling
 * (V11, V13, V14, V16), each with the tests that show it. A row
 * with `verdict` is decided by design, not by a test: `note` says why.
 */
const ASVS = [
  [
    'V2.2.1',
    'Input validated, decoded values too (clientDataJSON, JWT claims, cookies)',
    ['unstorable-text.e2e.spec.ts', 'fuzz.e2e.spec.ts'],
  ],
  [
    'V2.4.1',
    'Anti-automation: excessive calls limited (leak reports, passkey challenges; a limit change keeps the count)',
    ['admin-restrictions.e2e.spec.ts', 'unauthenticated-work.e2e.spec.ts'],
  ],
  [
    'V3.4.1',
    'Strict-Transport-Security on HTTPS responses, never over plain HTTP',
    ['platform.e2e.spec.ts'],
  ],
  [
    'V3.4.3',
    "CSP: SPA scripts from its own origin only; object-src, base-uri 'none'",
    ['platform.e2e.spec.ts'],
  ],
  [
    'V3.5.1',
    'Cross-site requests with Basic or cookies refused; cookie endpoints own-site',
    ['cross-site.e2e.spec.ts', 'browser-origins.e2e.spec.ts'],
  ],
  [
    'V3.5.2',
    'No sensitive call without a CORS preflight: form and text bodies are 415',
    ['cross-site.e2e.spec.ts'],
  ],
  [
    'V6.1.1',
    'Brute-force controls documented and prevent malicious account lockout',
    ['failure-limits.e2e.spec.ts', 'credential-attacks.e2e.spec.ts'],
  ],
  ['V6.2.1', 'Passwords of at least 8 characters (15 recommended)', ['users.e2e.spec.ts']],
  ['V6.2.3', 'Password change requires the current and the new password', ['users.e2e.spec.ts']],
  ['V6.2.4', 'New passwords checked against the most common passwords', ['users.e2e.spec.ts']],
  [
    'V6.2.8',
    'Password verified exactly as received (no truncation or case change)',
    ['auth-basic.e2e.spec.ts'],
  ],
  [
    'V6.3.1',
    'Controls against credential stuffing and brute force',
    ['auth-basic.e2e.spec.ts', 'mfa.e2e.spec.ts', 'failure-limits.e2e.spec.ts'],
  ],
  [
    'V6.3.8',
    'Valid users cannot be deduced from failed authentication',
    ['auth-basic.e2e.spec.ts', 'sessions.e2e.spec.ts'],
  ],
  ['V6.5.1', 'TOTP codes and lookup (recovery) codes usable only once', ['mfa.e2e.spec.ts']],
  [
    'V6.5.5',
    'TOTP has a defined lifetime of at most 30 seconds',
    ['mfa.e2e.spec.ts'],
    {
      verdict: 'fail',
      note: 'codes are 30 s steps, but one step of drift is accepted either side (RFC 6238 §5.2), so a code is accepted for up to 90 s',
    },
  ],
  [
    'V6.5.8',
    'TOTP checked against a trusted time source, not client time',
    ['clock-skew.e2e.spec.ts'],
    { chaos: 'clock skew' },
  ],
  [
    'V7.2.1',
    'Session tokens verified by a trusted backend service',
    ['sessions.e2e.spec.ts', 'cross-instance.e2e.spec.ts'],
  ],
  [
    'V7.2.2',
    'Dynamically generated session tokens, not static API secrets',
    ['sessions.e2e.spec.ts'],
  ],
  [
    'V7.2.3',
    'Reference session tokens unique, from a CSPRNG, at least 128 bits of entropy',
    ['sessions.e2e.spec.ts'],
    {
      verdict: 'fail',
      note: 'a refresh token is an HMAC of its row id, a UUIDv4: 122 random bits (opaque tokens and API secrets carry 256)',
    },
  ],
  ['V7.2.4', 'A new session token on every authentication', ['sessions.e2e.spec.ts']],
  ['V7.3.1', 'Inactivity timeout enforces re-authentication', ['sessions.e2e.spec.ts']],
  ['V7.3.2', 'Absolute maximum session lifetime', ['sessions.e2e.spec.ts']],
  [
    'V7.4.1',
    'Terminated sessions cannot be used, self-contained tokens included',
    ['sessions.e2e.spec.ts', 'verification.e2e.spec.ts'],
  ],
  [
    'V7.4.2',
    'All sessions end when the account is disabled or deleted',
    ['sessions.e2e.spec.ts', 'verification.e2e.spec.ts'],
  ],
  [
    'V7.4.3',
    'Other sessions can be ended after an authentication factor changes',
    ['sessions.e2e.spec.ts', 'password-revokes-credentials.e2e.spec.ts'],
  ],
  ['V7.4.5', 'Administrators can terminate the sessions of a user', ['sessions.e2e.spec.ts']],
  [
    'V7.5.1',
    'Re-authentication before changing factors, the password or minting lasting credentials',
    ['step-up.e2e.spec.ts', 'permission-ceiling.e2e.spec.ts'],
  ],
  ['V7.5.2', 'Users can view and terminate their active sessions', ['sessions.e2e.spec.ts']],
  [
    'V8.2.1',
    'Function-level access only with explicit permissions (admin scopes)',
    ['admin-scopes.e2e.spec.ts', 'credential-matrix.e2e.spec.ts'],
  ],
  [
    'V8.2.2',
    "Data-specific access only with explicit permissions (an admin's restriction)",
    ['admin-restrictions.e2e.spec.ts'],
  ],
  [
    'V9.1.1',
    'Self-contained tokens validated by signature before use',
    ['jwt-attacks.e2e.spec.ts'],
  ],
  ['V9.1.2', "Only allow-listed algorithms, never 'none'", ['jwt-attacks.e2e.spec.ts']],
  [
    'V9.1.3',
    'Keys only from trusted, pre-configured sources (jku, x5u, jwk refused)',
    ['jwt-attacks.e2e.spec.ts'],
  ],
  [
    'V9.2.1',
    "Validity time span ('nbf', 'exp') verified",
    ['jwt-attacks.e2e.spec.ts', 'clock-skew.e2e.spec.ts'],
    { chaos: 'clock skew' },
  ],
  [
    'V9.2.2',
    'Token type and purpose verified before use',
    ['jwt-attacks.e2e.spec.ts', 'mfa.e2e.spec.ts'],
  ],
  ['V9.2.3', "Audience ('aud') verified against the service", ['jwt-attacks.e2e.spec.ts']],
  [
    'V9.2.4',
    'Tokens for different audiences from one key carry distinct audiences',
    ['mfa.e2e.spec.ts'],
  ],
  ['V11.4.2', 'Passwords stored with an approved password hashing function', ['users.e2e.spec.ts']],
  [
    'V11.5.1',
    'Non-guessable values from a CSPRNG with at least 128 bits (UUIDs do not count)',
    ['opaque-tokens.e2e.spec.ts', 'api-keys.e2e.spec.ts'],
    { verdict: 'fail', note: 'refresh tokens derive from a UUIDv4 (see V7.2.3)' },
  ],
  [
    'V13.3.1',
    'Backend secrets in a secrets management solution (key vault)',
    ['signing-keys.e2e.spec.ts'],
    {
      verdict: 'fail',
      note: 'the master key is ENCRYPTION_KEY or DATA_DIR/encryption.key (mode 0600); no vault integration',
    },
  ],
  [
    'V14.2.1',
    'No session token or API key in the URL or query string',
    ['opaque-tokens.e2e.spec.ts'],
    {
      verdict: 'fail',
      note: 'the contract accepts ?auth_token= (redacted from logs); AUTH_QUERY_TOKEN_ENABLED=false turns it off',
    },
  ],
  [
    'V14.2.2',
    'Sensitive responses not cached (Cache-Control: no-store)',
    ['sessions.e2e.spec.ts', 'api-keys.e2e.spec.ts', 'opaque-tokens.e2e.spec.ts'],
  ],
  [
    'V16.2.1',
    'Records say who (the acting admin, RFC 8693 act), when and where (last use)',
    ['impersonation.e2e.spec.ts', 'verifier-usage.e2e.spec.ts', 'credential-lifecycle.e2e.spec.ts'],
  ],
  [
    'V16.2.5',
    'Credentials never logged; tokens only masked',
    ['server.e2e.spec.ts'],
    { attack: true },
  ],
];

async function readJson(repoRoot, file) {
  const path = join(repoRoot, file);
  if (!existsSync(path)) return null;
  try {
    return { data: JSON.parse(await readFile(path, 'utf8')), mtime: (await stat(path)).mtime };
  } catch {
    return null;
  }
}

/** The attack specs' tallies added up, with the time of the newest; null when none ran. */
async function readAttackTallies(repoRoot) {
  const dir = join(repoRoot, ATTACK_SUMMARY);
  if (!existsSync(dir)) return null;
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  if (files.length === 0) return null;
  const data = { casesTried: 0, accepted: 0, fivexx: 0, secretsInLogs: 0 };
  let mtime = new Date(0);
  for (const name of files) {
    const tally = await readJson(repoRoot, join(ATTACK_SUMMARY, name));
    if (!tally) continue;
    for (const field of Object.keys(data)) data[field] += Number(tally.data[field] ?? 0);
    if (tally.mtime > mtime) mtime = tally.mtime;
  }
  return { data, mtime };
}

/** passed | failed | not run, per test file, from Jest's JSON results. */
function fileVerdicts(suite) {
  const verdicts = new Map();
  for (const result of suite?.data?.testResults ?? []) {
    const name = String(result.name).replaceAll('\\', '/');
    const at = name.lastIndexOf(`/${TESTS}/`);
    if (at < 0) continue;
    verdicts.set(
      name.slice(at + TESTS.length + 2),
      result.status === 'passed' ? 'passed' : 'failed',
    );
  }
  return verdicts;
}

function asvsRows(repoRoot, suite, checks, attack) {
  const verdicts = fileVerdicts(suite);
  return ASVS.map(([id, text, files, extra = {}]) => {
    const missing = files.filter((file) => !existsSync(join(repoRoot, TESTS, file)));
    const states = files.map((file) => verdicts.get(file) ?? 'not run');
    const chaosChecks = extra.chaos ? checks.filter((c) => c.scenario.startsWith(extra.chaos)) : [];
    let verdict;
    const failedFiles = files.filter((_, i) => states[i] === 'failed');
    if (missing.length > 0) verdict = `fail (missing ${missing.join(', ')})`;
    else if (failedFiles.length > 0) verdict = `fail (${failedFiles.join(', ')} failed)`;
    else if (chaosChecks.some((c) => !c.pass)) verdict = 'fail (drill)';
    else if (extra.attack && attack && (attack.accepted > 0 || attack.secretsInLogs > 0))
      verdict = 'fail';
    else if (states.includes('not run')) verdict = 'not measured';
    else verdict = 'pass';
    if (extra.verdict) verdict = `${extra.verdict}: ${extra.note}`;
    const evidence = files.map((file) => `\`${TESTS}/${file}\``);
    if (extra.chaos) evidence.push(`\`npm run chaos\` (${extra.chaos})`);
    if (extra.attack) evidence.push(`\`${ATTACK_SUMMARY}\``);
    return [id, text, verdict, evidence.join(', ')];
  });
}

function table(header, rows) {
  const escape = (cell) => String(cell).replaceAll('|', '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

function attackSection(attack) {
  if (!attack) {
    return `Not measured in this run: \`${ATTACK_SUMMARY}/\` is empty. The attack specs in \`npm test\` (fuzzing, secrets in logs) write their tallies there; run \`npm test\` before \`npm run chaos\`.`;
  }
  const { data, mtime } = attack;
  return [
    `Added up from \`${ATTACK_SUMMARY}/\`, written by the attack specs in \`npm test\` (last at ${mtime.toISOString()}).`,
    '',
    table(
      ['bad inputs tried', 'credentials accepted', '5xx answers', 'secrets found in logs'],
      [[data.casesTried, data.accepted, data.fivexx, data.secretsInLogs]],
    ),
  ].join('\n');
}

export async function writeReliabilityReport({
  repoRoot,
  startedAt,
  seconds,
  checks,
  loads,
  node,
}) {
  const suite = await readJson(repoRoot, SUITE_RESULTS);
  const attack = await readAttackTallies(repoRoot);
  const failed = checks.filter((c) => !c.pass).length;
  const lines = [
    '# Reliability report',
    '',
    '<!-- Generated file: `npm run chaos` rewrites it (apps/api/chaos/report.js). Do not edit by hand. -->',
    '',
    `_Generated by \`npm run chaos\` on ${startedAt.toISOString()} in ${seconds.toFixed(0)} s: Node ${node}, ${availableParallelism()} CPU cores, embedded PostgreSQL, two \`dist/main.js\` instances on loopback. ${failed === 0 ? `All ${checks.length} fault checks passed.` : `**${failed} of ${checks.length} fault checks failed.**`}_`,
    '',
    '## Load held',
    '',
    'Keep-alive HTTP load from the drill itself (bounded, `GET /api/v1/auth/verify` with PATs, account tokens, API keys, exchanged, opaque and session tokens). Speed belongs to `npm run bench`; these figures show the load the faults were applied under.',
    '',
    table(
      [
        'phase',
        'concurrency',
        'answered',
        'req/s',
        'p50 ms',
        'p99 ms',
        'statuses',
        'network errors',
      ],
      loads.map((l) => [
        l.phase,
        l.concurrency,
        l.answered,
        l.rps.toFixed(0),
        l.p50.toFixed(1),
        l.p99.toFixed(1),
        Object.entries(l.statuses)
          .map(([status, n]) => `${n}x${status}`)
          .join(', '),
        Object.entries(l.errors)
          .map(([code, n]) => `${n}x${code}`)
          .join(', ') || 'none',
      ]),
    ),
    '',
    '## Faults survived',
    '',
    'PostgreSQL stopped and started again (fast shutdown, same port); instance A killed with SIGKILL and restarted under load; the pool of A (10 connections) held by a table lock from a side connection; instance B restarted with `CLOCK_OFFSET_MS` (a drills-only setting) while A issues tokens; one refresh token sent to both instances at once.',
    '',
    table(
      ['scenario', 'expectation', 'observed', 'result'],
      checks.map((c) => [c.scenario, c.expectation, c.observed, c.pass ? 'pass' : '**FAIL**']),
    ),
    '',
    '## Bad inputs tried',
    '',
    attackSection(attack),
    '',
    '## OWASP ASVS 5.0',
    '',
    `Authentication (V6), session management (V7), self-contained tokens (V9) and secret handling (V11, V13, V14, V16). A row passes when every test file it names passed in \`${SUITE_RESULTS}\`${suite ? ` (written ${suite.mtime.toISOString()})` : ' (absent in this run: run `npm test` first)'} and, where named, the drill's checks passed; "fail:" rows are gaps by design, with the reason.`,
    '',
    table(
      ['requirement', 'text (short)', 'result', 'shown by'],
      asvsRows(repoRoot, suite, checks, attack?.data),
    ),
    '',
  ];
  const file = join(repoRoot, 'docs/reliability.md');
  // Formatted as the repository's own Markdown is, so `npm run format:check` stays quiet.
  const options = { ...(await prettier.resolveConfig(file)), filepath: file };
  await writeFile(file, await prettier.format(lines.join('\n'), options));
  return file;
}
