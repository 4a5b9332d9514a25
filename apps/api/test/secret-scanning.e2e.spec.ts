import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey, createOpaqueToken, createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { useTestApp, type TestApp } from './support/test-app.js';

const README = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

/** The README's secret-scanning table: credential name -> its regular expression. */
function documentedExpressions(): Map<string, RegExp> {
  const start = README.indexOf('<!-- secret-scanning:start');
  const end = README.indexOf('<!-- secret-scanning:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no secret-scanning markers');
  const rows = [...README.slice(start, end).matchAll(/^\| ([^|]+?) +\| `([^`]+)` +\|$/gm)];
  return new Map(rows.map(([, name, source]) => [name as string, new RegExp(source as string)]));
}

/** One live credential of every kind the table names, as a client receives it. */
async function everyKind(t: TestApp): Promise<Map<string, string>> {
  const user = await createUser(t);
  const pat = await createPat(t, user);
  const account = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
  const key = await createApiKey(t, user);
  const exchanged = await t.http.post('/api/v1/sessions', {
    body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
  });
  const login = await t.http.post('/api/v1/auth/login', {
    body: { login: user.login, password: user.password },
  });
  const refresh = /lk_refresh=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
  return new Map([
    ['personal access token (JWT)', pat.token],
    ['account API token (JWT)', account.body.token as string],
    ['exchanged token (JWT)', exchanged.body.access_token as string],
    ['session access token (JWT)', login.body.access_token as string],
    ['API key (public half)', key.apiKey],
    ['API secret', key.apiSecret],
    ['opaque token', await createOpaqueToken(t, user)],
    ['refresh token (`lk_refresh`)', decodeURIComponent(refresh)],
  ]);
}

function checkEveryKind(t: TestApp) {
  return async () => {
    const expressions = documentedExpressions();
    const issued = await everyKind(t);
    expect([...expressions.keys()].sort()).toEqual([...issued.keys()].sort());
    for (const [name, credential] of issued) {
      const matching = [...expressions]
        .filter(([, expression]) => expression.test(`leaked: ${credential} in a gist`))
        .map(([matched]) => matched);
      expect({ name, matching }).toEqual({ name, matching: [name] });
    }
  };
}

describe('README secret-scanning expressions (ES256 keys)', () => {
  const t = useTestApp();
  it('match each credential kind, and only their own', checkEveryKind(t));
});

describe('README secret-scanning expressions (HS256, JWT_SECRET)', () => {
  const t = useTestApp({ JWT_SECRET: 'a-secret-of-at-least-sixteen-chars' });
  it('match each credential kind, and only their own', checkEveryKind(t));
});
