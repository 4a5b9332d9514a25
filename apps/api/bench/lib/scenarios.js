// The throughput matrix: the two reference apps, /healthz, every credential method on
// GET /users/me and GET /auth/verify, and the operations that issue or inspect tokens.
import { URLSearchParams } from 'node:url';
import { basic } from './http.js';
import { bearer, USER_PASSWORD } from './credentials.js';
import { SEEDED_USER_PREFIX } from './seed.js';

/**
 * Answers per connection of the argon2id scenarios, which run to that count instead of for a
 * duration: a run stopped on time leaves CONNECTIONS password checks in flight, and the next
 * scenario would be measured while the server still works through them.
 */
export const SLOW_PER_CONNECTION = 2;

/**
 * Connections of the argon2id scenarios: password hashing runs one hash per spare core with 16
 * more waiting per slot and sheds the rest with 503 (the README's "Password hashing"), so 8
 * connections measure its throughput without being shed on a 2-core machine.
 */
export const SLOW_CONNECTIONS = 8;

/** How each credential is sent: headers, a query string, or requests that vary the header. */
function credentialMethods(c, basicUsers) {
  const { key, secret } = c.apiKey;
  return [
    ['session', 'session access JWT', { headers: bearer(c.session) }],
    ['pat', 'PAT', { headers: bearer(c.pat) }],
    ['account', 'account API token', { headers: bearer(c.accountToken) }],
    ['exchanged', 'exchanged JWT (POST /sessions)', { headers: bearer(c.exchanged) }],
    [
      'api-key-token',
      'API key, token key:secret',
      { headers: { authorization: `token ${key}:${secret}` } },
    ],
    [
      'api-key-basic',
      'API key, Basic key:secret',
      { headers: { authorization: basic(key, secret) } },
    ],
    ['opaque-header', 'opaque token, X-Auth-Token', { headers: { 'x-auth-token': c.opaque } }],
    ['opaque-query', 'opaque token, ?auth_token=', { query: `?auth_token=${c.opaque}` }],
    [
      'basic-password',
      `Basic login:password (argon2id, ${basicUsers} users)`,
      { requests: basicRequests(basicUsers), perConnection: SLOW_PER_CONNECTION },
    ],
  ];
}

/** Basic login:password of the first `users` seeded users in turn. */
function basicRequests(users) {
  let next = 0;
  return [
    {
      setupRequest(request) {
        next = (next % users) + 1;
        request.headers = {
          ...request.headers,
          authorization: basic(`${SEEDED_USER_PREFIX}${next}`, USER_PASSWORD),
        };
        return request;
      },
    },
  ];
}

/** A POST body that signs in as the seeded users in turn (no user signs in twice in a row). */
export function loginRequests(users) {
  let next = 0;
  return [
    {
      setupRequest(request) {
        next = (next % users) + 1;
        request.body = JSON.stringify({
          login: `${SEEDED_USER_PREFIX}${next}`,
          password: USER_PASSWORD,
        });
        return request;
      },
    },
  ];
}

/**
 * Every scenario of the matrix: `id`, `group` (reference, latchkey, credential, operation),
 * `name`, autocannon's options (`url`, `method`, `headers`, `body`, `requests`), and
 * `perConnection` for those measured by count rather than duration.
 */
export function matrix({
  latchkey,
  hello,
  recipe,
  credentials: c,
  recipeToken,
  seededUsers,
  basicUsers,
}) {
  const base = latchkey.base;
  const list = [
    { id: 'hello', group: 'reference', name: 'bare NestJS + Fastify hello', url: `${hello.base}/` },
    {
      id: 'recipe',
      group: 'reference',
      name: 'docs passport-jwt recipe, GET /profile',
      url: `${recipe.base}/profile`,
      headers: bearer(recipeToken),
    },
    { id: 'healthz', group: 'latchkey', name: 'Latchkey GET /healthz', url: `${base}/healthz` },
  ];
  for (const [endpoint, path] of [
    ['users-me', '/api/v1/users/me'],
    ['verify', '/api/v1/auth/verify'],
  ]) {
    for (const [id, name, how] of credentialMethods(c, basicUsers)) {
      list.push({
        id: `${endpoint}:${id}`,
        group: 'credential',
        name: `${path.replace('/api/v1', '')}, ${name}`,
        url: `${base}${path}${how.query ?? ''}`,
        headers: how.headers,
        requests: how.requests,
        perConnection: how.perConnection,
      });
    }
  }
  const { key, secret } = c.apiKey;
  list.push(
    {
      id: 'introspect',
      group: 'operation',
      name: 'POST /oauth/introspect (a PAT)',
      url: `${base}/api/v1/oauth/introspect`,
      method: 'POST',
      headers: { ...bearer(c.introspector), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: c.pat }).toString(),
    },
    {
      id: 'login',
      group: 'operation',
      name: 'POST /auth/login (argon2id)',
      url: `${base}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: loginRequests(seededUsers),
      perConnection: SLOW_PER_CONNECTION,
    },
    {
      id: 'exchange-sessions',
      group: 'operation',
      name: 'token exchange, POST /sessions',
      url: `${base}/api/v1/sessions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'api-key', key, secret }),
    },
    {
      id: 'exchange-oauth',
      group: 'operation',
      name: 'token exchange, POST /oauth/token',
      url: `${base}/api/v1/oauth/token`,
      method: 'POST',
      headers: {
        authorization: basic(key, secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    },
  );
  return list;
}

/** The order of round `round` of `rounds`: the list rotated, so no scenario always runs first. */
export function rotated(list, round, rounds) {
  const offset = Math.round((round * list.length) / rounds) % list.length;
  return [...list.slice(offset), ...list.slice(0, offset)];
}
