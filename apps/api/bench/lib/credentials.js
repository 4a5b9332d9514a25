// Credentials obtained through the API, as a client gets them (SPEC's credential table).
import { basic, cookieValue, expect } from './http.js';

export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = 'bench-admin-pass-phrase-42';
/** The password of the main bench user and of every seeded user. */
export const USER_PASSWORD = 'bench-user-pass-phrase-42';
export const MAIN_LOGIN = 'bench-main';

/** POST /auth/login: the access token and the lk_refresh cookie. */
export async function login(base, user, password) {
  const res = await expect(200, base, 'POST', '/api/v1/auth/login', {
    json: { login: user, password },
  });
  return {
    accessToken: res.body.access_token,
    refreshToken: cookieValue(res.headers['set-cookie'], 'lk_refresh'),
  };
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** POST /personal-access-tokens with the given credential headers. */
export async function createPat(base, headers, scopes = ['profile:read']) {
  const res = await expect(201, base, 'POST', '/api/v1/personal-access-tokens', {
    headers,
    json: { name: `bench ${scopes.join(' ')}`, scopes, expiresAt: null },
  });
  return { id: res.body.id, token: res.body.token };
}

/** `count` PATs, minted `concurrency` at a time by the given sessions in turn. */
export async function createPats(base, sessions, count, concurrency = 8) {
  const pats = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const session = sessions[next % sessions.length];
      next += 1;
      pats.push(await createPat(base, bearer(session.accessToken)));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pats;
}

/** The `kid` a JWT was signed with. */
export function kidOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8')).kid;
}

/**
 * One user (role `user`) holding one credential of every kind, and an admin PAT allowed to
 * introspect. The API key is made by the admin, as only admins may.
 */
export async function issueCredentials(base) {
  const admin = await login(base, ADMIN_LOGIN, ADMIN_PASSWORD);
  const created = await expect(201, base, 'POST', '/api/v1/users', {
    headers: bearer(admin.accessToken),
    json: {
      login: MAIN_LOGIN,
      email: `${MAIN_LOGIN}@bench.invalid`,
      displayName: 'Bench main user',
      password: USER_PASSWORD,
      roles: ['user'],
    },
  });
  const userId = created.body.id;
  const session = await login(base, MAIN_LOGIN, USER_PASSWORD);
  const asUser = bearer(session.accessToken);
  const pat = await createPat(base, asUser);
  const accountToken = await expect(200, base, 'PUT', '/api/v1/users/me/api-token', {
    headers: asUser,
  });
  const apiKey = await expect(201, base, 'POST', `/api/v1/users/${userId}/api-keys`, {
    headers: bearer(admin.accessToken),
    json: { name: 'bench', scopes: ['profile:read'] },
  });
  const { apiKey: key, apiSecret: secret } = apiKey.body;
  const exchanged = await expect(200, base, 'POST', '/api/v1/sessions', {
    json: { type: 'api-key', key, secret },
  });
  const opaque = await expect(200, base, 'GET', '/api/v1/auth/token', {
    headers: { authorization: basic(MAIN_LOGIN, USER_PASSWORD) },
  });
  const introspector = await createPat(base, bearer(admin.accessToken), ['tokens:introspect']);
  return {
    userId,
    session: session.accessToken,
    pat: pat.token,
    accountToken: accountToken.body.token,
    apiKey: { key, secret },
    exchanged: exchanged.body.access_token,
    opaque: opaque.body.access_token,
    introspector: introspector.token,
  };
}
