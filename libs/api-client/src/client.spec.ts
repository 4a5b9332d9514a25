import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiContractError, ApiError } from './api-error.js';
import { createApiClient } from './client.js';
import { basic } from './http.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const USER = {
  id: '0b6f1f9e-4a53-4f8e-9a59-3d1c9f4f7a10',
  kind: 'user' as const,
  login: 'alice',
  email: 'alice@example.com',
  displayName: 'Alice',
  roles: ['user'],
  mfaEnabled: false,
  disabled: false,
  passwordChangeRequired: false,
  lastLoginAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const TOKEN_ID = '5d4e0c52-2f6b-4d8e-9f3a-6f3d2b1c0a99';
const KEY_ID = '7a1c9e34-0d5b-4b2f-8e6a-1c2d3e4f5a6b';
const CREATED_AT = '2026-01-02T00:00:00.000Z';
const LIFECYCLE = { disabled: false, revokedAt: null, revokedReason: null };
const PAT = {
  id: TOKEN_ID,
  name: 'deploy',
  scopes: ['profile:read'],
  expiresAt: null,
  createdAt: CREATED_AT,
  lastUsedAt: null,
  lastUsedIp: null,
  rateLimit: { requests: 10, perSeconds: 60 },
  ...LIFECYCLE,
};
const PAT_CREATED = {
  id: TOKEN_ID,
  name: 'deploy',
  scopes: ['profile:read'],
  expiresAt: null,
  createdAt: CREATED_AT,
  rateLimit: null,
  token: 'eyJ.new.token',
};
const API_KEY = {
  id: KEY_ID,
  userId: USER.id,
  name: 'worker',
  apiKey: 'lk_abc',
  scopes: ['profile:read'],
  createdAt: CREATED_AT,
  lastUsedAt: null,
  secretRotatedAt: null,
  previousSecretExpiresAt: null,
  rateLimit: null,
  ...LIFECYCLE,
  disabled: true,
};

/** A real HTTP server on loopback whose answers each test scripts. */
function useScriptedServer() {
  const state = { handler: (() => undefined) as Handler, baseUrl: '' };
  let server: Server;
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => state.handler(request, body, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return state;
}

function json(response: ServerResponse, status: number, body: unknown, type = 'application/json') {
  response.writeHead(status, { 'content-type': type });
  response.end(JSON.stringify(body));
}

describe('the API client', () => {
  const server = useScriptedServer();

  it('sends the bearer token and returns the validated body', async () => {
    const seen: (string | undefined)[] = [];
    server.handler = (request, _body, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      json(response, 200, { ...USER, authMethod: 'session', extra: 'dropped' });
    };
    const client = createApiClient({ baseUrl: server.baseUrl, token: () => 'abc' });

    const me = await client.me.get();

    expect(seen).toEqual(['GET /api/v1/users/me Bearer abc']);
    expect(me).toEqual({ ...USER, authMethod: 'session' });
  });

  it('turns a problem+json answer into an ApiError carrying the problem', async () => {
    server.handler = (_request, _body, response) =>
      json(
        response,
        400,
        {
          type: 'urn:latchkey:problem:validation_failed',
          title: 'Validation failed',
          status: 400,
          detail: 'The request is not valid.',
          code: 'validation_failed',
          errors: [{ field: 'email', message: 'Email is not a valid address' }],
        },
        'application/problem+json',
      );
    const client = createApiClient({ baseUrl: server.baseUrl });

    const error = await client.me.update({ email: 'nope' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).code).toBe('validation_failed');
    expect((error as ApiError).message).toBe('The request is not valid.');
    expect((error as ApiError).fieldErrors()).toEqual({ email: 'Email is not a valid address' });
  });

  it('describes an answer that is not problem+json as a problem too', async () => {
    server.handler = (_request, _body, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<h1>Bad gateway</h1>');
    };
    const client = createApiClient({ baseUrl: server.baseUrl });

    const error = (await client.me.get().catch((caught: unknown) => caught)) as ApiError;

    expect(error.status).toBe(502);
    expect(error.problem.code).toBe('internal_error');
    expect(error.problem.detail).toBe('The server answered 502 Bad Gateway.');
  });

  it('asks for a new token once on a 401 and retries with it', async () => {
    const authorizations: (string | undefined)[] = [];
    server.handler = (request, _body, response) => {
      authorizations.push(request.headers.authorization);
      if (request.headers.authorization === 'Bearer fresh')
        return json(response, 200, { items: [] });
      json(
        response,
        401,
        {
          type: 'urn:latchkey:problem:invalid_credentials',
          title: 'Unauthorized',
          status: 401,
          detail: 'The credential is expired.',
          code: 'invalid_token',
        },
        'application/problem+json',
      );
    };
    let token = 'stale';
    let refreshes = 0;
    const client = createApiClient({
      baseUrl: server.baseUrl,
      token: () => token,
      onUnauthorized: () => {
        refreshes += 1;
        token = 'fresh';
        return true;
      },
    });

    await expect(client.sessions.list()).resolves.toEqual({ items: [] });
    expect(authorizations).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(refreshes).toBe(1);
  });

  it('never retries the refresh endpoint itself', async () => {
    server.handler = (_request, _body, response) =>
      json(
        response,
        401,
        {
          type: 'x',
          title: 'Unauthorized',
          status: 401,
          detail: 'No session.',
          code: 'invalid_token',
        },
        'application/problem+json',
      );
    let refreshes = 0;
    const client = createApiClient({
      baseUrl: server.baseUrl,
      onUnauthorized: () => {
        refreshes += 1;
        return true;
      },
    });

    await expect(client.auth.refresh()).rejects.toMatchObject({ status: 401 });
    expect(refreshes).toBe(0);
  });

  it("names the server's own origin to the browser-session endpoints only, as a page would", async () => {
    const seen: string[] = [];
    server.handler = (request, _body, response) => {
      seen.push(`${request.url} ${request.headers.origin ?? 'no Origin'}`);
      if (request.url === '/api/v1/auth/logout') {
        response.writeHead(204);
        response.end();
      } else json(response, 200, { ...USER, authMethod: 'session' });
    };
    const client = createApiClient({ baseUrl: `${server.baseUrl}/`, token: () => 'abc' });

    await client.auth.logout();
    await client.me.get();

    expect(seen).toEqual([`/api/v1/auth/logout ${server.baseUrl}`, '/api/v1/users/me no Origin']);
  });

  it('refuses a 2xx body that breaks the contract', async () => {
    server.handler = (_request, _body, response) => json(response, 200, { items: 'nope' });
    const client = createApiClient({ baseUrl: server.baseUrl });

    await expect(client.personalAccessTokens.list()).rejects.toBeInstanceOf(ApiContractError);
  });

  it('sends JSON bodies, query strings and other authorization schemes', async () => {
    const seen: string[] = [];
    server.handler = (request, body, response) => {
      seen.push(`${request.url} ${request.headers.authorization} ${body}`);
      json(response, 200, { items: [], page: 2, pageSize: 5, total: 0 });
    };
    const client = createApiClient({
      baseUrl: `${server.baseUrl}/`,
      authorization: () => basic('zoë', 'pass:word'),
    });

    await client.users.list({ q: 'al ice', page: 2, pageSize: 5 });

    expect(seen).toEqual([
      `/api/v1/users?q=al+ice&page=2&pageSize=5 Basic ${Buffer.from('zoë:pass:word').toString('base64')} `,
    ]);
  });

  it('reports an unreachable server as a network problem', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:1' });

    const error = (await client.me.get().catch((caught: unknown) => caught)) as ApiError;

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.problem.code).toBe('unavailable');
  });

  describe('credential lifecycle', () => {
    const client = () => createApiClient({ baseUrl: server.baseUrl, token: () => 'abc' });
    type Case = {
      name: string;
      call: (api: ReturnType<typeof client>) => Promise<unknown>;
      request: string;
      body?: unknown;
      answer: unknown;
    };
    const cases: Case[] = [
      {
        name: 'lists inactive personal access tokens',
        call: (api) => api.personalAccessTokens.list({ state: 'inactive' }),
        request: 'GET /api/v1/personal-access-tokens?state=inactive',
        answer: {
          items: [{ ...PAT, revokedAt: CREATED_AT, revokedReason: 'leaked' }],
          total: 1,
          page: 1,
          pageSize: 100,
        },
      },
      {
        name: "lists a user's tokens of every state",
        call: (api) =>
          api.users.listPersonalAccessTokens(USER.id, { state: 'all', page: 2, pageSize: 1 }),
        request: `GET /api/v1/users/${USER.id}/personal-access-tokens?state=all&page=2&pageSize=1`,
        answer: { items: [PAT], total: 3, page: 2, pageSize: 1 },
      },
      {
        name: 'disables a token and sets its rate limit',
        call: (api) =>
          api.personalAccessTokens.update(TOKEN_ID, {
            disabled: true,
            rateLimit: { requests: 10, perSeconds: 60 },
          }),
        request: `PATCH /api/v1/personal-access-tokens/${TOKEN_ID}`,
        body: { disabled: true, rateLimit: { requests: 10, perSeconds: 60 } },
        answer: { ...PAT, disabled: true },
      },
      {
        name: "updates a user's token (admin)",
        call: (api) =>
          api.users.updatePersonalAccessToken(USER.id, TOKEN_ID, { name: 'x', rateLimit: null }),
        request: `PATCH /api/v1/users/${USER.id}/personal-access-tokens/${TOKEN_ID}`,
        body: { name: 'x', rateLimit: null },
        answer: PAT,
      },
      {
        name: 'rotates a token with an overlap',
        call: (api) => api.personalAccessTokens.rotate(TOKEN_ID, { overlapSeconds: 3600 }),
        request: `POST /api/v1/personal-access-tokens/${TOKEN_ID}/rotate`,
        body: { overlapSeconds: 3600 },
        answer: PAT_CREATED,
      },
      {
        name: "rotates a user's token (admin), at once by default",
        call: (api) => api.users.rotatePersonalAccessToken(USER.id, TOKEN_ID),
        request: `POST /api/v1/users/${USER.id}/personal-access-tokens/${TOKEN_ID}/rotate`,
        body: {},
        answer: PAT_CREATED,
      },
      {
        name: 'lists inactive API keys',
        call: (api) => api.apiKeys.list(USER.id, { state: 'inactive' }),
        request: `GET /api/v1/users/${USER.id}/api-keys?state=inactive`,
        answer: { items: [API_KEY], total: 1, page: 1, pageSize: 100 },
      },
      {
        name: 'disables an API key',
        call: (api) => api.apiKeys.update(KEY_ID, { disabled: true }),
        request: `PATCH /api/v1/api-keys/${KEY_ID}`,
        body: { disabled: true },
        answer: API_KEY,
      },
      {
        name: 'rotates an API secret with an overlap',
        call: (api) => api.apiKeys.rotateSecret(KEY_ID, { overlapSeconds: 86_400 }),
        request: `POST /api/v1/api-keys/${KEY_ID}/secret`,
        body: { overlapSeconds: 86_400 },
        answer: { apiKey: 'lk_abc', apiSecret: 'lks_new' },
      },
    ];

    it.each(cases)('$name', async ({ call, request, body, answer }) => {
      const seen: { request: string; body: unknown }[] = [];
      server.handler = (incoming, text, response) => {
        seen.push({
          request: `${incoming.method} ${incoming.url}`,
          body: text ? JSON.parse(text) : undefined,
        });
        json(response, 200, answer);
      };

      await expect(call(client())).resolves.toEqual(answer);
      expect(seen).toEqual([{ request, body }]);
    });

    it('refuses a rotation answer without the new token', async () => {
      server.handler = (_request, _body, response) =>
        json(response, 201, { ...PAT_CREATED, token: undefined });

      await expect(client().personalAccessTokens.rotate(TOKEN_ID)).rejects.toBeInstanceOf(
        ApiContractError,
      );
    });

    it('reports leaked credentials without sending any credential of its own', async () => {
      const seen: string[] = [];
      server.handler = (request, body, response) => {
        seen.push(`${request.method} ${request.url} ${request.headers.authorization} ${body}`);
        json(response, 202, {});
      };

      await expect(client().credentials.revoke(['lkt_one', 'lk_a:lks_b'])).resolves.toBe(undefined);
      expect(seen).toEqual([
        'POST /api/v1/credentials/revoke undefined {"credentials":["lkt_one","lk_a:lks_b"]}',
      ]);
    });
  });
});
