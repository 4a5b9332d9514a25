import { randomUUID } from 'node:crypto';
import { scopesForRoles, type Role, type Scope } from '@latchkey/contracts';
import { listRoutes } from '../src/common/auth/route-catalog.js';
import { createUser } from './factories/users.js';
import {
  CREDENTIAL_KINDS,
  type Caller,
  type IssuedCaller,
  type RoledUser,
} from './support/credential-kinds.js';
import type { TestResponse } from './support/http-client.js';
import { useTestApp, type TestApp } from './support/test-app.js';

/**
 * Every credential kind × every route class × scope: 401, 403 or 2xx as SPEC's rules say. A
 * route class is what a route asks of its caller (role, scopes, interactive only), read from
 * the route catalog: a route that asks for something new fails the first test until it gets a
 * class and a probe here.
 */

interface ProbeContext {
  t: TestApp;
  /** The user the credential acts for. */
  self: RoledUser;
  /** A plain user that admin routes act on. */
  target: RoledUser;
}

interface RouteClass {
  name: string;
  roles: Role[];
  scopes: Scope[];
  interactiveOnly: boolean;
  /** A representative request of the class, harmless when let through. */
  probe(call: Caller, ctx: ProbeContext): Promise<TestResponse>;
  /** Its answer when let through. */
  success: number;
  /**
   * An OAuth endpoint answers RFC 6749 §5.2 errors: no client authentication at all is 400
   * invalid_client, and a refusal's code is its `error`.
   */
  oauth?: true;
}

const ROUTE_CLASSES: RouteClass[] = [
  {
    name: 'any credential (forward-auth)',
    roles: [],
    scopes: [],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/auth/verify'),
    success: 200,
  },
  {
    name: 'self read',
    roles: [],
    scopes: ['profile:read'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/users/me'),
    success: 200,
  },
  {
    name: 'self write (interactive only)',
    roles: [],
    scopes: [],
    interactiveOnly: true,
    probe: (call) => call('PATCH', '/api/v1/users/me', { body: { displayName: 'Matrix' } }),
    success: 200,
  },
  {
    name: 'token management read',
    roles: [],
    scopes: ['tokens:read'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/personal-access-tokens'),
    success: 200,
  },
  {
    name: 'token management write',
    roles: [],
    scopes: ['tokens:write'],
    interactiveOnly: false,
    probe: (call) =>
      call('POST', '/api/v1/personal-access-tokens', {
        // Within the life of every kind that mints it (the permission ceiling on lifetime).
        body: {
          name: 'matrix',
          scopes: ['profile:read'],
          expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
        },
      }),
    success: 201,
  },
  {
    name: 'own sessions read',
    roles: [],
    scopes: ['sessions:read'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/auth/sessions'),
    success: 200,
  },
  {
    name: 'own sessions write',
    roles: [],
    scopes: ['sessions:write'],
    interactiveOnly: false,
    probe: async (call, { t, self }) => {
      // A session of its own to end, so the credential under test keeps its own.
      const login = await t.http.post('/api/v1/auth/login', {
        body: { login: self.login, password: self.password },
      });
      const list = await t.http.get('/api/v1/auth/sessions', { bearer: login.body.access_token });
      const current = (list.body.items as { id: string; current: boolean }[]).find(
        (session) => session.current,
      );
      return call('DELETE', `/api/v1/auth/sessions/${current?.id}`);
    },
    success: 204,
  },
  {
    name: 'introspection',
    roles: [],
    scopes: ['tokens:introspect'],
    interactiveOnly: false,
    probe: (call) => call('POST', '/api/v1/oauth/introspect', { body: { token: 'x' } }),
    success: 200,
    oauth: true,
  },
  {
    name: 'security events',
    roles: [],
    scopes: ['events:read'],
    interactiveOnly: false,
    probe: (call) =>
      call('POST', '/api/v1/events/poll', { body: { maxEvents: 0, returnImmediately: true } }),
    success: 200,
  },
  {
    name: "admin reading another user's credentials",
    roles: ['admin'],
    scopes: ['admin:credentials'],
    interactiveOnly: false,
    probe: (call, { target }) => call('GET', `/api/v1/users/${target.id}/personal-access-tokens`),
    success: 200,
  },
  {
    name: "admin minting another user's credentials",
    roles: ['admin'],
    scopes: ['admin:credentials'],
    interactiveOnly: false,
    // Not a key: it never expires, so what may mint one depends on lifetime too (step-up).
    probe: (call, { target }) =>
      call('DELETE', `/api/v1/users/${target.id}/personal-access-tokens/${randomUUID()}`),
    success: 404,
  },
  {
    name: 'admin users read',
    roles: ['admin'],
    scopes: ['users:read'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/users'),
    success: 200,
  },
  {
    name: 'admin users write',
    roles: ['admin'],
    scopes: ['users:write'],
    interactiveOnly: false,
    probe: (call, { target }) =>
      call('PATCH', `/api/v1/users/${target.id}`, { body: { displayName: 'Matrix' } }),
    success: 200,
  },
  {
    name: "admin reading another user's sessions",
    roles: ['admin'],
    scopes: ['admin:credentials'],
    interactiveOnly: false,
    probe: (call, { target }) => call('GET', `/api/v1/users/${target.id}/sessions`),
    success: 200,
  },
  {
    name: "admin ending another user's sessions",
    roles: ['admin'],
    scopes: ['admin:credentials'],
    interactiveOnly: false,
    probe: (call, { target }) => call('DELETE', `/api/v1/users/${target.id}/sessions`),
    success: 204,
  },
  {
    name: 'signing keys',
    roles: ['admin'],
    scopes: ['admin:keys'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/signing-keys'),
    success: 200,
  },
  {
    name: 'admin credential inventory',
    roles: ['admin'],
    scopes: ['admin:credentials'],
    interactiveOnly: false,
    probe: (call, { target }) => call('GET', `/api/v1/credentials?ownerId=${target.id}`),
    success: 200,
  },
  {
    name: 'metrics',
    roles: [],
    scopes: ['metrics:read'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/metrics'),
    success: 200,
  },
  {
    name: 'audit read',
    roles: ['admin'],
    scopes: ['audit:read'],
    interactiveOnly: false,
    probe: (call) => call('GET', '/api/v1/audit-events'),
    success: 200,
  },
];

const requirementOf = (route: { roles: Role[]; scopes: Scope[]; interactiveOnly: boolean }) =>
  JSON.stringify([[...route.roles].sort(), [...route.scopes].sort(), route.interactiveOnly]);

/** One credential of the matrix: a kind, the roles of its user, and the scopes it holds. */
interface MatrixCredential {
  label: string;
  kind: (typeof CREDENTIAL_KINDS)[number];
  roles: Role[];
  /** undefined: every scope the roles allow. */
  scopes?: Scope[];
}

const ROLE_SETS: Role[][] = [['user'], ['admin']];
const NARROW: Scope[] = ['profile:read'];

const CREDENTIALS: MatrixCredential[] = ROLE_SETS.flatMap((roles) =>
  CREDENTIAL_KINDS.flatMap((kind) => [
    { label: `${kind.name} of a ${roles.join('+')}, every scope`, kind, roles },
    ...(kind.narrowable
      ? [
          {
            label: `${kind.name} of a ${roles.join('+')}, ${NARROW.join(' ')}`,
            kind,
            roles,
            scopes: NARROW,
          },
        ]
      : []),
  ]),
);

/** What SPEC's rules say the credential gets from a route of the class. */
function expectedOutcome(
  credential: MatrixCredential,
  routeClass: RouteClass,
): { status: number; code?: string } {
  const held = credential.scopes ?? scopesForRoles(credential.roles);
  if (
    routeClass.roles.length &&
    !routeClass.roles.some((role) => credential.roles.includes(role))
  ) {
    return { status: 403, code: 'forbidden' };
  }
  if (routeClass.scopes.some((scope) => !held.includes(scope))) {
    return { status: 403, code: 'insufficient_scope' };
  }
  if (routeClass.interactiveOnly && !credential.kind.interactive) {
    return { status: 403, code: 'forbidden' };
  }
  return { status: routeClass.success };
}

describe('credential matrix', () => {
  const t = useTestApp();

  it('has a class, with a probe, for every kind of requirement a route declares', () => {
    const declared = new Set(
      listRoutes(t.app)
        .filter((route) => !route.public)
        .map(requirementOf),
    );
    const covered = new Set(ROUTE_CLASSES.map(requirementOf));
    expect([...declared].filter((requirement) => !covered.has(requirement))).toEqual([]);
    expect([...covered].filter((requirement) => !declared.has(requirement))).toEqual([]);
  });

  describe('without a credential', () => {
    const ctx = {} as ProbeContext;
    beforeAll(async () => {
      const self = { ...(await createUser(t)), roles: ['user'] as Role[] };
      Object.assign(ctx, { t, self, target: self });
    });

    it.each(ROUTE_CLASSES.filter((routeClass) => !routeClass.oauth))(
      '$name answers 401 with a challenge',
      async (routeClass) => {
        const res = await routeClass.probe(
          (method, path, options) => t.http.request(method, path, options),
          ctx,
        );
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ status: 401, code: 'invalid_credentials' });
        expect(res.headers.get('www-authenticate')).toContain('Bearer realm="latchkey"');
      },
    );

    it.each(ROUTE_CLASSES.filter((routeClass) => routeClass.oauth))(
      '$name answers 400 invalid_client (RFC 6749 §5.2)',
      async (routeClass) => {
        const res = await routeClass.probe(
          (method, path, options) => t.http.request(method, path, options),
          ctx,
        );
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          error: 'invalid_client',
          error_description: expect.any(String),
        });
      },
    );
  });

  describe.each(CREDENTIALS)('$label', (credential) => {
    const ctx = {} as ProbeContext;
    let call: IssuedCaller;
    beforeAll(async () => {
      const self = {
        ...(await createUser(t, { roles: credential.roles })),
        roles: credential.roles,
      };
      const target = { ...(await createUser(t)), roles: ['user'] as Role[] };
      Object.assign(ctx, { t, self, target });
      call = await credential.kind.issue(t, self, credential.scopes);
    });

    it('is refused with 401 when a character of it is changed', async () => {
      const res = await call.forged('GET', '/api/v1/users/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 401 });
      expect(res.headers.get('www-authenticate')).toContain('Bearer realm="latchkey"');
    });

    it.each(ROUTE_CLASSES)('$name', async (routeClass) => {
      const res = await routeClass.probe(call, ctx);
      const outcome =
        res.status === 403
          ? { status: 403, code: routeClass.oauth ? res.body.error : res.body.code }
          : { status: res.status };
      expect(outcome).toEqual(expectedOutcome(credential, routeClass));
    });
  });
});
