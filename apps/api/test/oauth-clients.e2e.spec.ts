import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { findFreePort } from '../src/database/embedded-postgres.js';
import { createApiKey, createOpaqueToken, createPat } from './factories/credentials.js';
import { createUser } from './factories/users.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Latchkey as panva's oauth4webapi and openid-client see it: discovery, client_credentials,
 * introspection and revocation with every client authentication the metadata lists, and every
 * error read through the library's own process*Response functions (RFC 6749 §5.2, RFC 7662
 * §2.3, RFC 7009 §2.2.1).
 */
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let t: TestApp;
let as: oauth.AuthorizationServer;
let introspector: { apiKey: string; apiSecret: string };
let plain: { apiKey: string; apiSecret: string };

beforeAll(async () => {
  const port = await findFreePort();
  t = await startTestApp({ PUBLIC_URL: `http://127.0.0.1:${port}` }, { port });
  const issuer = new URL(t.config.PUBLIC_URL);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
  const admin = await createUser(t, { roles: ['admin'] });
  introspector = await createApiKey(t, admin, ['profile:read', 'tokens:introspect']);
  plain = await createApiKey(t, await createUser(t), ['profile:read']);
});
afterAll(() => t.close());

/** RFC 7662 §2.1 lets the caller authorize with a Bearer token; the library sends none itself. */
function withBearer(token: string | undefined) {
  if (token === undefined) return insecure;
  return {
    ...insecure,
    [oauth.customFetch]: (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(url, { ...init, headers });
    },
  };
}

const clientOf = (key: { apiKey: string }): oauth.Client => ({ client_id: key.apiKey });

async function grant(
  key: { apiKey: string; apiSecret: string },
  auth: oauth.ClientAuth,
  parameters: Record<string, string> = {},
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    clientOf(key),
    auth,
    parameters,
    insecure,
  );
  return oauth.processClientCredentialsResponse(as, clientOf(key), response);
}

/** What a process*Response function threw, as the fields a client reads. */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await promise.then(
    () => new Error('the library accepted the response'),
    (caught: unknown) => caught,
  );
  if (error instanceof oauth.ResponseBodyError) {
    return { kind: 'body', status: error.status, error: error.error };
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const body = (await error.response.json()) as { error: string };
    return {
      kind: 'challenge',
      status: error.status,
      scheme: error.cause[0]?.scheme,
      error: body.error,
      contentType: error.response.headers.get('content-type'),
    };
  }
  throw error;
}

describe('discovery', () => {
  it('lists registered client authentication methods only, and no signing algorithm', () => {
    expect(as.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(as.introspection_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(as.revocation_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(as.token_endpoint_auth_signing_alg_values_supported).toBeUndefined();
  });
});

describe('client_credentials', () => {
  it.each([
    ['client_secret_basic', (secret: string) => oauth.ClientSecretBasic(secret)],
    ['client_secret_post', (secret: string) => oauth.ClientSecretPost(secret)],
  ])('grants a token to %s', async (_method, auth) => {
    const token = await grant(plain, auth(plain.apiSecret), { scope: 'profile:read' });
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'profile:read' });
    expect(
      (await t.http.get('/api/v1/users/me', { bearer: token.access_token })).body.authMethod,
    ).toBe('exchanged');
  });

  it.each([
    [
      'wrong secret in Basic',
      () => grant(plain, oauth.ClientSecretBasic('lks_wrong')),
      {
        kind: 'challenge',
        status: 401,
        scheme: 'basic',
        error: 'invalid_client',
        contentType: 'application/json; charset=utf-8',
      },
    ],
    [
      'wrong secret in the body',
      () => grant(plain, oauth.ClientSecretPost('lks_wrong')),
      {
        kind: 'body',
        status: 400,
        error: 'invalid_client',
      },
    ],
    [
      'unknown client in Basic',
      () => grant({ apiKey: 'lk_unknown', apiSecret: 'x' }, oauth.ClientSecretBasic('lks_x')),
      {
        kind: 'challenge',
        status: 401,
        scheme: 'basic',
        error: 'invalid_client',
        contentType: 'application/json; charset=utf-8',
      },
    ],
    [
      'scope the key does not hold',
      () => grant(plain, oauth.ClientSecretBasic(plain.apiSecret), { scope: 'users:write' }),
      {
        kind: 'body',
        status: 400,
        error: 'invalid_scope',
      },
    ],
    [
      'unsupported grant type',
      async () =>
        oauth.processGenericTokenEndpointResponse(
          as,
          clientOf(plain),
          await oauth.genericTokenEndpointRequest(
            as,
            clientOf(plain),
            oauth.ClientSecretBasic(plain.apiSecret),
            'password',
            { username: 'a', password: 'b' },
            insecure,
          ),
        ),
      {
        kind: 'body',
        status: 400,
        error: 'unsupported_grant_type',
      },
    ],
  ])('%s: the library reads the RFC 6749 error', async (_case, call, expected) => {
    expect(await failure(call())).toEqual(expected);
  });
});

describe('introspection', () => {
  it.each([
    ['client_secret_basic', () => oauth.ClientSecretBasic(introspector.apiSecret), {}],
    ['client_secret_post', () => oauth.ClientSecretPost(introspector.apiSecret), {}],
  ])('describes a live token to a client using %s', async (_method, auth) => {
    const user = await createUser(t);
    const opaque = await createOpaqueToken(t, user);
    const response = await oauth.introspectionRequest(
      as,
      clientOf(introspector),
      auth(),
      opaque,
      insecure,
    );
    const answer = await oauth.processIntrospectionResponse(as, clientOf(introspector), response);
    expect(answer).toMatchObject({ active: true, sub: user.id, username: user.login });
  });

  it('describes a token to a caller presenting a Bearer token', async () => {
    const caller = await createPat(t, await createUser(t, { roles: ['admin'] }), [
      'tokens:introspect',
    ]);
    const response = await oauth.introspectionRequest(
      as,
      { client_id: 'bearer-caller' },
      oauth.None(),
      caller.token,
      withBearer(caller.token),
    );
    const answer = await oauth.processIntrospectionResponse(
      as,
      { client_id: 'bearer-caller' },
      response,
    );
    expect(answer).toMatchObject({ active: true, token_type: 'Bearer' });
  });

  it('introspects for openid-client, which authenticates with client_secret_basic', async () => {
    const config = new client.Configuration(
      as as client.ServerMetadata,
      introspector.apiKey,
      introspector.apiSecret,
    );
    client.allowInsecureRequests(config);
    expect(await client.tokenIntrospection(config, 'lkt_not_a_token')).toEqual({ active: false });
  });

  it.each([
    [
      'wrong secret in Basic',
      () => oauth.ClientSecretBasic('lks_wrong'),
      undefined,
      {
        kind: 'challenge',
        status: 401,
        scheme: 'basic',
        error: 'invalid_client',
        contentType: 'application/json; charset=utf-8',
      },
    ],
    [
      'wrong secret in the body',
      () => oauth.ClientSecretPost('lks_wrong'),
      undefined,
      {
        kind: 'body',
        status: 400,
        error: 'invalid_client',
      },
    ],
    [
      'no client authentication',
      () => oauth.None(),
      undefined,
      {
        kind: 'body',
        status: 400,
        error: 'invalid_client',
      },
    ],
    [
      'unknown Bearer token',
      () => oauth.None(),
      'lkt_unknown',
      {
        kind: 'challenge',
        status: 401,
        scheme: 'bearer',
        error: 'invalid_token',
        contentType: 'application/json; charset=utf-8',
      },
    ],
  ])('%s: the library reads the RFC 7662 §2.3 error', async (_case, auth, bearer, expected) => {
    const call = async () =>
      oauth.processIntrospectionResponse(
        as,
        clientOf(introspector),
        await oauth.introspectionRequest(
          as,
          clientOf(introspector),
          auth(),
          'lkt_x',
          withBearer(bearer),
        ),
      );
    expect(await failure(call())).toEqual(expected);
  });

  it('a client without the introspection scope is refused in OAuth terms', async () => {
    const call = async () =>
      oauth.processIntrospectionResponse(
        as,
        clientOf(plain),
        await oauth.introspectionRequest(
          as,
          clientOf(plain),
          oauth.ClientSecretBasic(plain.apiSecret),
          'lkt_x',
          insecure,
        ),
      );
    expect(await failure(call())).toMatchObject({ status: 403, error: 'insufficient_scope' });
  });
});

describe('revocation', () => {
  it.each([
    ['client_secret_basic', (secret: string) => oauth.ClientSecretBasic(secret)],
    ['client_secret_post', (secret: string) => oauth.ClientSecretPost(secret)],
  ])('revokes a token for a client using %s', async (_method, auth) => {
    const user = await createUser(t);
    const opaque = await createOpaqueToken(t, user);
    const response = await oauth.revocationRequest(
      as,
      clientOf(plain),
      auth(plain.apiSecret),
      opaque,
      insecure,
    );
    await expect(oauth.processRevocationResponse(response)).resolves.toBeUndefined();
    expect(
      (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': opaque } })).status,
    ).toBe(401);
  });

  it.each([
    [
      'wrong secret in Basic',
      () => oauth.ClientSecretBasic('lks_wrong'),
      {
        kind: 'challenge',
        status: 401,
        scheme: 'basic',
        error: 'invalid_client',
        contentType: 'application/json; charset=utf-8',
      },
    ],
    [
      'wrong secret in the body',
      () => oauth.ClientSecretPost('lks_wrong'),
      {
        kind: 'body',
        status: 400,
        error: 'invalid_client',
      },
    ],
  ])('%s: the library reads the RFC 7009 §2.2.1 error', async (_case, auth, expected) => {
    const user = await createUser(t);
    const opaque = await createOpaqueToken(t, user);
    const call = async () =>
      oauth.processRevocationResponse(
        await oauth.revocationRequest(as, clientOf(plain), auth(), opaque, insecure),
      );
    expect(await failure(call())).toEqual(expected);
    // A client that failed to authenticate revoked nothing.
    expect(
      (await t.http.get('/api/v1/users/me', { headers: { 'x-auth-token': opaque } })).status,
    ).toBe(200);
  });
});
