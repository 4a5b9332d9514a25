import { randomUUID } from 'node:crypto';
import { scopesForRoles, type Role, type Scope } from '@latchkey/contracts';
import { createApiKey, createOpaqueToken, form } from '../factories/credentials.js';
import type { TestUser } from '../factories/users.js';
import type { RequestOptions, TestResponse } from './http-client.js';
import type { TestApp } from './test-app.js';

/** A credential in hand: sends one request with it, in its own slot. */
export type Caller = (
  method: string,
  path: string,
  options?: RequestOptions,
) => Promise<TestResponse>;

/** A credential and the same one with a character of its secret changed. */
export type IssuedCaller = Caller & { forged: Caller };

/** A user of a test with the roles it was made with. */
export type RoledUser = TestUser & { roles: Role[] };

/** One way of authenticating, as SPEC's credential table lists them. */
export interface CredentialKind {
  name: string;
  /** The person themself (a browser session or login:password), not a token. */
  interactive: boolean;
  /** Can be issued with scopes of its own; the others carry every permission of their user. */
  narrowable: boolean;
  /** A fresh credential of this kind for the user: with these scopes, or all the roles allow. */
  issue(t: TestApp, user: RoledUser, scopes?: Scope[]): Promise<IssuedCaller>;
}

/** The string with one character, well inside it, replaced by another. */
function forge(secret: string): string {
  const at = secret.length - 10;
  return `${secret.slice(0, at)}${secret[at] === 'a' ? 'b' : 'a'}${secret.slice(at + 1)}`;
}

type Slot = Pick<RequestOptions, 'basic' | 'bearer' | 'authorization' | 'headers'> & {
  /** The value of ?auth_token=. */
  query?: string;
};

function forgedSlot(slot: Slot): Slot {
  if (slot.query) return { query: forge(slot.query) };
  if (slot.basic) return { basic: [slot.basic[0], forge(slot.basic[1])] };
  if (slot.bearer) return { bearer: forge(slot.bearer) };
  if (slot.authorization) return { authorization: forge(slot.authorization) };
  const header = slot.headers?.['x-auth-token'];
  if (header) return { headers: { 'x-auth-token': forge(header) } };
  throw new Error('nothing to forge in this slot');
}

function send(t: TestApp, { query, ...slot }: Slot): Caller {
  return (method, path, options = {}) => {
    const withQuery = query ? `${path}${path.includes('?') ? '&' : '?'}auth_token=${query}` : path;
    return t.http.request(method, withQuery, {
      ...options,
      ...slot,
      headers: { ...options.headers, ...slot.headers },
    });
  };
}

function callerWith(t: TestApp, slot: Slot): IssuedCaller {
  return Object.assign(send(t, slot), { forged: send(t, forgedSlot(slot)) });
}

async function apiKey(t: TestApp, user: RoledUser, scopes?: Scope[]) {
  return createApiKey(t, user, scopes ?? scopesForRoles(user.roles));
}

async function opaque(t: TestApp, user: RoledUser): Promise<string> {
  return createOpaqueToken(t, user);
}

export const CREDENTIAL_KINDS: CredentialKind[] = [
  {
    name: 'session access JWT',
    interactive: true,
    narrowable: false,
    async issue(t, user) {
      const res = await t.http.post('/api/v1/auth/login', {
        body: { login: user.login, password: user.password },
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
      return callerWith(t, { bearer: res.body.access_token });
    },
  },
  {
    name: 'Basic login:password',
    interactive: true,
    narrowable: false,
    issue: async (t, user) => callerWith(t, { basic: user.basic }),
  },
  {
    name: 'personal access token',
    interactive: false,
    narrowable: true,
    async issue(t, user, scopes) {
      const res = await t.http.post('/api/v1/personal-access-tokens', {
        basic: user.basic,
        body: { name: 'matrix', scopes: scopes ?? scopesForRoles(user.roles), expiresAt: null },
      });
      if (res.status !== 201) throw new Error(`PAT not created: ${res.status} ${res.text}`);
      return callerWith(t, { bearer: res.body.token });
    },
  },
  {
    name: 'account API token',
    interactive: false,
    narrowable: false,
    async issue(t, user) {
      const res = await t.http.request('PUT', '/api/v1/users/me/api-token', { basic: user.basic });
      if (res.status !== 200) throw new Error(`account token refused: ${res.status} ${res.text}`);
      return callerWith(t, { bearer: res.body.token });
    },
  },
  {
    name: 'API key, token key:secret',
    interactive: false,
    narrowable: true,
    async issue(t, user, scopes) {
      const key = await apiKey(t, user, scopes);
      return callerWith(t, { authorization: `token ${key.apiKey}:${key.apiSecret}` });
    },
  },
  {
    name: 'API key, Basic key:secret',
    interactive: false,
    narrowable: true,
    async issue(t, user, scopes) {
      const key = await apiKey(t, user, scopes);
      return callerWith(t, { basic: [key.apiKey, key.apiSecret] });
    },
  },
  {
    name: 'exchanged JWT (POST /sessions)',
    interactive: false,
    narrowable: true,
    async issue(t, user, scopes) {
      const key = await apiKey(t, user, scopes);
      const res = await t.http.post('/api/v1/sessions', {
        body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
      });
      if (res.status !== 200) throw new Error(`exchange failed: ${res.status} ${res.text}`);
      return callerWith(t, { bearer: res.body.access_token });
    },
  },
  {
    name: 'exchanged JWT (client_credentials, scope narrowed)',
    interactive: false,
    narrowable: true,
    async issue(t, user, scopes) {
      const key = await apiKey(t, user);
      const res = await t.http.post('/api/v1/oauth/token', {
        basic: [key.apiKey, key.apiSecret],
        ...form({
          grant_type: 'client_credentials',
          scope: (scopes ?? scopesForRoles(user.roles)).join(' '),
        }),
      });
      if (res.status !== 200) throw new Error(`token refused: ${res.status} ${res.text}`);
      return callerWith(t, { bearer: res.body.access_token });
    },
  },
  {
    name: 'opaque token in X-Auth-Token',
    interactive: false,
    narrowable: false,
    issue: async (t, user) => callerWith(t, { headers: { 'x-auth-token': await opaque(t, user) } }),
  },
  {
    name: 'opaque token in ?auth_token=',
    interactive: false,
    narrowable: false,
    issue: async (t, user) => callerWith(t, { query: await opaque(t, user) }),
  },
  {
    name: 'opaque token as Bearer',
    interactive: false,
    narrowable: false,
    issue: async (t, user) => callerWith(t, { bearer: await opaque(t, user) }),
  },
];

export const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/**
 * One request per scope that the guard lets through only with that scope, harmless when it
 * does (a read, or a write aimed at an id that does not exist).
 */
export const SCOPE_PROBES: Record<Scope, (call: Caller) => Promise<TestResponse>> = {
  'profile:read': (call) => call('GET', '/api/v1/users/me'),
  'users:read': (call) => call('GET', '/api/v1/users'),
  'users:write': (call) =>
    call('PATCH', `/api/v1/users/${NO_SUCH_ID}`, { body: { displayName: 'probe' } }),
  'tokens:read': (call) => call('GET', '/api/v1/personal-access-tokens'),
  'tokens:write': (call) => call('DELETE', `/api/v1/personal-access-tokens/${randomUUID()}`),
  'sessions:read': (call) => call('GET', '/api/v1/auth/sessions'),
  'sessions:write': (call) => call('DELETE', `/api/v1/auth/sessions/${randomUUID()}`),
  'audit:read': (call) => call('GET', '/api/v1/audit-events'),
  'tokens:introspect': (call) => call('POST', '/api/v1/oauth/introspect', { body: { token: 'x' } }),
  'events:read': (call) =>
    call('POST', '/api/v1/events/poll', { body: { maxEvents: 0, returnImmediately: true } }),
  'admin:credentials': (call) => call('GET', '/api/v1/credentials?pageSize=1'),
  'admin:keys': (call) => call('GET', '/api/v1/signing-keys'),
  'metrics:read': (call) => call('GET', '/metrics'),
};
