import fc from 'fast-check';
import { REFRESH_COOKIE, SCOPES } from '@latchkey/contracts';
import { listRoutes, type RouteAuth } from '../src/common/auth/route-catalog.js';
import { SecretBox } from '../src/common/crypto/secret-box.js';
import { NAMED_QUERY_PARAMETERS } from '../src/common/logging/request-log.js';
import { DEVICE_COOKIE } from '../src/modules/auth/device-trust.js';
import { JwtService } from '../src/modules/signing-keys/jwt.service.js';
import type { JwtKind } from '../src/modules/signing-keys/jwt-kinds.js';
import { createApiKey, createOpaqueToken, createPat } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import {
  newAttackTally,
  tallyForgery,
  tallyInput,
  writeAttackTally,
} from './support/attack-tally.js';
import type { RequestOptions, TestResponse } from './support/http-client.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';
import { useTestApp } from './support/test-app.js';

/*
 * Property-based fuzzing of every credential slot and every input of every route, on the real
 * server. Each property asserts no answer is a 5xx; the credential ones also that nothing
 * is accepted. fast-check prints the seed and the shrunk case of a failure; replay it with
 * `{ seed, path }` in the property's parameters.
 */

/** Strings that have broken servers: NUL, lone surrogates, direction marks, quotes, huge ones. */
const NASTY_UNITS = [
  '\0',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\uFFFE',
  '\uFEFF',
  '\u202E',
  '\u0085',
  'é',
  'ß',
  '😀',
  '\u{10FFFF}',
  '%',
  ':',
  ';',
  ',',
  ' ',
  '\t',
  '"',
  "'",
  '\\',
  '/',
  '?',
  '#',
  '&',
  '=',
  '+',
  '.',
  '*',
  '$',
  '{',
  '[',
  'a',
  'Z',
  '0',
];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...NASTY_UNITS), maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '0',
    '-1',
    '1e309',
    'NaN',
    'me',
    '..',
    '../../etc/passwd',
    '00000000-0000-0000-0000-000000000000',
    'lk_',
    'lks_',
    'lkt_',
    'lkr_',
    "' OR '1'='1",
    '$where',
    '__proto__',
    'constructor',
  ),
  fc
    .tuple(fc.constantFrom('a', '\0', 'é', '😀', '\uD800'), fc.integer({ min: 300, max: 5_000 }))
    .map(([unit, times]) => unit.repeat(times)),
);

/** Percent-encoding that never throws: a lone surrogate becomes its (invalid) 3-byte form. */
function encodeLoosely(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`
        : encodeURIComponent(char);
  }
  return out;
}

/** Percent-encodings no decoder should choke on. */
const ODD_ENCODINGS = [
  '%',
  '%0',
  '%zz',
  '%00',
  '%ED%A0%80',
  '%ED%BF%BF',
  '%C0%80',
  '%C0%AF',
  '%E0%80%AF',
  '%FF',
  '%FE%FF',
  '%25',
  '%2525',
  '%252F',
  '%2F',
  '%5C',
  '%E2%80%AE',
  '+',
  '%2B',
  '%F4%90%80%80',
];

const urlComponent: fc.Arbitrary<string> = fc.oneof(
  nastyString.map(encodeLoosely),
  fc
    .array(fc.oneof(fc.constantFrom(...ODD_ENCODINGS), fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/)), {
      maxLength: 6,
    })
    .map((parts) => parts.join('')),
);

/**
 * What a raw client puts in a header: the UTF-8 bytes of the text, less the control characters
 * that fetch refuses to send (Node's parser refuses them too: see http-edges.e2e.spec.ts).
 */
function asHeaderValue(value: string): string {
  return Buffer.from(value, 'utf8')
    .toString('latin1')
    .split('')
    .filter((char) => char === '\t' || (char >= ' ' && char !== '\x7f'))
    .join('')
    .trim();
}

/** A real credential with one character changed (never the last two, whose bits may be padding). */
function mutate(token: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat({ max: Math.max(0, token.length - 3) }), fc.constantFrom(...'AZaz09_-.:+/'))
    .filter(([at, char]) => token[at] !== char)
    .map(([at, char]) => `${token.slice(0, at)}${char}${token.slice(at + 1)}`);
}

const b64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');

/**
 * JSON text holding a nasty value: as a string, as a key, or nested; JSON.stringify escapes a
 * lone surrogate (\\ud800), which the decoder turns back into one.
 */
function jsonHolding(value: string, fields: Record<string, unknown> = {}): fc.Arbitrary<string> {
  return fc.constantFrom(
    JSON.stringify({ ...fields, challenge: value, sub: value, jti: value }),
    JSON.stringify({ ...fields, [value]: value }),
    JSON.stringify({ ...fields, nested: [{ value }] }),
    JSON.stringify(value),
  );
}

/** What a value decoded from base64url can be: JSON around a nasty string, or any bytes. */
const decodedPayload = (fields: Record<string, unknown> = {}): fc.Arbitrary<string> =>
  fc.oneof(
    nastyString.chain((value) => jsonHolding(value, fields)).map(b64url),
    nastyString.map(b64url),
    fc.uint8Array({ maxLength: 80 }).map(b64url),
  );

function isServerError(res: TestResponse): boolean {
  return res.status >= 500;
}

/** Every query parameter the API reads: the ones its request log may name. */
const QUERY_NAMES = [...NAMED_QUERY_PARAMETERS];

interface JsonSchema {
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  type?: string | string[];
}

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

describe('fuzzing every credential slot and every input', () => {
  // A long poll of the security events (RFC 8936) returns after a second here, not 30 s.
  const t = useTestApp({ SECURITY_EVENTS_POLL_WAIT: '1s' });
  let user: TestUser;
  let admin: TestUser;
  let adminPat: string;
  let adminSession: BrowserSession;
  let realCredentials: string[];
  const tally = newAttackTally();
  afterAll(() => writeAttackTally('fuzz', tally));
  let openApi: { paths: Record<string, Record<string, Operation>>; components?: unknown };

  beforeAll(async () => {
    user = await createUser(t);
    admin = await createUser(t, { roles: ['admin'] });
    const pat = await t.http.post('/api/v1/personal-access-tokens', {
      basic: admin.basic,
      body: { name: 'fuzz', scopes: [...SCOPES], expiresAt: null },
    });
    adminPat = pat.body.token;
    adminSession = new BrowserSession(t);
    await adminSession.login(admin);
    const session = new BrowserSession(t);
    await session.login(user);
    const key = await createApiKey(t, user);
    realCredentials = [
      (await createPat(t, user)).token,
      session.accessToken,
      session.refreshToken,
      await createOpaqueToken(t, user),
      key.apiSecret,
      `${key.apiKey}:${key.apiSecret}`,
    ];
    openApi = (await t.http.get('/api/v1/openapi.json')).body;
  });

  /** Sends `options` to a credential-checking route and asserts it is neither a 5xx nor accepted. */
  async function refused(method: string, path: string, options: RequestOptions): Promise<void> {
    const res = await t.http.request(method, path, options);
    tallyForgery(tally, res.status);
    const sent = JSON.stringify(options).slice(0, 300);
    const refusedWith4xx = res.status >= 400 && res.status < 500;
    expect({ method, path: path.slice(0, 300), sent, status: res.status, refusedWith4xx }).toEqual({
      method,
      path: path.slice(0, 300),
      sent,
      status: res.status,
      refusedWith4xx: true,
    });
  }

  const credentialSlots: [string, (value: string) => [string, string, RequestOptions]][] = [
    [
      'Authorization: Bearer',
      (v) => ['GET', '/api/v1/users/me', { authorization: `Bearer ${asHeaderValue(v)}` }],
    ],
    [
      'Authorization: token',
      (v) => ['GET', '/api/v1/users/me', { authorization: `token ${asHeaderValue(v)}` }],
    ],
    [
      'Authorization: Basic',
      (v) => [
        'GET',
        '/api/v1/users/me',
        { authorization: `Basic ${Buffer.from(v, 'utf8').toString('base64')}` },
      ],
    ],
    ['Authorization: raw', (v) => ['GET', '/api/v1/users/me', { authorization: asHeaderValue(v) }]],
    [
      'X-Auth-Token',
      (v) => ['GET', '/api/v1/users/me', { headers: { 'x-auth-token': asHeaderValue(v) } }],
    ],
    ['?auth_token=', (v) => ['GET', `/api/v1/users/me?auth_token=${encodeLoosely(v)}`, {}]],
    ['?auth%5Ftoken=', (v) => ['GET', `/api/v1/users/me?auth%5Ftoken=${encodeLoosely(v)}`, {}]],
    [
      'X-Forwarded-Uri',
      (v) => [
        'GET',
        '/api/v1/auth/verify',
        { headers: { 'x-forwarded-uri': `/app?auth_token=${encodeLoosely(v)}` } },
      ],
    ],
    [
      'X-Original-URI',
      (v) => [
        'GET',
        '/api/v1/auth/verify',
        { headers: { 'x-original-uri': asHeaderValue(`/app?auth_token=${v}`) } },
      ],
    ],
    [
      'refresh cookie',
      (v) => [
        'POST',
        '/api/v1/auth/refresh',
        {
          headers: { origin: t.config.PUBLIC_URL, cookie: `${REFRESH_COOKIE}=${encodeLoosely(v)}` },
        },
      ],
    ],
  ];

  it.each(credentialSlots)(
    'accepts nothing and never fails in %s',
    async (_, slot) => {
      await fc.assert(
        fc.asyncProperty(nastyString, async (value) => {
          const [method, path, options] = slot(value);
          await refused(method, path, options);
        }),
        { numRuns: 120 },
      );
    },
    120_000,
  );

  it('accepts no real credential with one character changed, in any slot', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .nat({ max: realCredentials.length - 1 })
          .chain((index) => mutate(realCredentials[index] ?? '')),
        fc.nat({ max: credentialSlots.length - 1 }),
        async (mutated, slotIndex) => {
          const [, slot] = credentialSlots[slotIndex] ?? credentialSlots[0]!;
          const [method, path, options] = slot(mutated);
          await refused(method, path, options);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  describe('values decoded from inside others, past the edge check of the request', () => {
    const device = new SoftAuthenticator('http://localhost:3000', 'localhost');

    /** Well-formed passkey responses (assertion, attestation) carrying this clientDataJSON. */
    function assertionWith(clientDataJSON: string) {
      const honest = device.assert({ challenge: b64url('challenge'), rpId: 'localhost' });
      return { ...honest, response: { ...honest.response, clientDataJSON } };
    }
    function attestationWith(clientDataJSON: string) {
      const honest = device.register({
        challenge: b64url('challenge'),
        rp: { id: 'localhost' },
        user: { id: b64url('user') },
      });
      return { ...honest, response: { ...honest.response, clientDataJSON } };
    }

    it('accepts no passkey whose clientDataJSON (base64url JSON) holds nasty text, and never fails', async () => {
      const { token: mfaToken } = await t.app
        .get(JwtService)
        .sign('mfa', { subject: user.id, expiresIn: 3600 });
      const endpoints: ((clientDataJSON: string) => [string, string, RequestOptions])[] = [
        (cdj) => ['POST', '/api/v1/auth/login/passkey', { body: { response: assertionWith(cdj) } }],
        (cdj) => [
          'POST',
          '/api/v1/auth/login/mfa',
          { body: { mfa_token: mfaToken, passkey: assertionWith(cdj) } },
        ],
        (cdj) => [
          'POST',
          '/api/v1/auth/passkeys',
          {
            bearer: adminSession.accessToken,
            body: { name: 'fuzz', response: attestationWith(cdj) },
          },
        ],
      ];
      await fc.assert(
        fc.asyncProperty(
          decodedPayload({ type: 'webauthn.get', origin: t.config.PUBLIC_URL }),
          fc.nat({ max: endpoints.length - 1 }),
          async (clientDataJSON, index) => {
            const endpoint = endpoints[index] ?? endpoints[0]!;
            await refused(...endpoint(clientDataJSON));
          },
        ),
        { numRuns: 300 },
      );
    }, 120_000);

    it('accepts no JWT whose header or claims decode to nasty text, signed or not, and never fails', async () => {
      const jwt = t.app.get(JwtService);
      const kinds: JwtKind[] = [
        'access',
        'mfa',
        'personalAccessToken',
        'accountToken',
        'exchanged',
      ];
      const unsigned = fc
        .tuple(
          decodedPayload({ alg: 'RS256', typ: 'at+jwt' }),
          decodedPayload(),
          fc.uint8Array({ maxLength: 64 }),
        )
        .map(([header, payload, signature]) => `${header}.${payload}.${b64url(signature)}`);
      // Signed by the server's own key: the claims pass the signature and reach the lookups.
      const signed = fc
        .tuple(fc.constantFrom(...kinds), nastyString, nastyString, nastyString)
        .map(([kind, subject, jti, claim]) => ({ kind, subject, jti, claim }));
      await fc.assert(
        fc.asyncProperty(fc.oneof(unsigned, signed), fc.boolean(), async (token, asMfa) => {
          const presented =
            typeof token === 'string'
              ? token
              : (
                  await jwt.sign(token.kind, {
                    subject: token.subject,
                    jti: token.jti,
                    expiresIn: 3600,
                    claims: { sid: token.claim, scope: token.claim, [token.claim]: token.claim },
                  })
                ).token;
          await refused(
            ...((asMfa
              ? [
                  'POST',
                  '/api/v1/auth/login/mfa',
                  { body: { mfa_token: presented, code: '000000' } },
                ]
              : ['GET', '/api/v1/users/me', { bearer: presented }]) as [
              string,
              string,
              RequestOptions,
            ]),
          );
        }),
        { numRuns: 300 },
      );
    }, 120_000);

    it('never fails on a device cookie whose payload decodes to nasty text, MAC-signed or not', async () => {
      const box = t.app.get(SecretBox);
      // Its own user: these wrong passwords must not lock out the users of the other properties.
      const target = await createUser(t);
      await fc.assert(
        fc.asyncProperty(
          decodedPayload({ l: target.login, e: 4_102_444_800 }),
          fc.boolean(),
          nastyString,
          async (payload, signedByServer, loose) => {
            const cookie = signedByServer
              ? `${payload}.${box.mac(payload, 'device-cookie')}`
              : encodeLoosely(loose);
            const res = await t.http.post('/api/v1/auth/login', {
              headers: { cookie: `${DEVICE_COOKIE}=${cookie}` },
              body: { login: target.login, password: 'not the password' },
            });
            tallyForgery(tally, res.status);
            // 401 (wrong password), 429 once the login's failures are counted, 431 when too big.
            const refusedWith4xx = res.status >= 400 && res.status < 500;
            expect({ cookie: cookie.slice(0, 200), status: res.status, refusedWith4xx }).toEqual({
              cookie: cookie.slice(0, 200),
              status: res.status,
              refusedWith4xx: true,
            });
          },
        ),
        { numRuns: 200 },
      );
    }, 120_000);
  });

  function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
    if (!schema?.$ref) return schema;
    const parts = schema.$ref.replace(/^#\//, '').split('/');
    let current: unknown = openApi;
    for (const part of parts) current = (current as Record<string, unknown> | undefined)?.[part];
    return current as JsonSchema | undefined;
  }

  function inputsOf(route: RouteAuth): { query: string[]; body: string[] } {
    const operation = openApi.paths[route.path]?.[route.method.toLowerCase()];
    const documented = (operation?.parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => parameter.name);
    const content = operation?.requestBody?.content ?? {};
    const schema = resolve(
      (content['application/json'] ?? content['application/x-www-form-urlencoded'])?.schema,
    );
    return {
      query: [...new Set([...documented, ...QUERY_NAMES])],
      body: Object.keys(schema?.properties ?? {}),
    };
  }

  it('answers every route with a 4xx or a result for any path, query and body strings', async () => {
    // The event stream answers for as long as its client stays: it has no end to wait for here
    // (its one input, Last-Event-ID, is tried in security-events.e2e.spec.ts).
    const routes = listRoutes(t.app).filter(
      (route) => !(route.method === 'GET' && route.path === '/api/v1/events'),
    );
    expect(routes.length).toBeGreaterThan(30);
    const cases = fc.record({
      routeIndex: fc.nat({ max: routes.length - 1 }),
      params: fc.array(urlComponent, { minLength: 4, maxLength: 4 }),
      query: fc.array(fc.tuple(fc.nat(), urlComponent), { maxLength: 3 }),
      fields: fc.array(fc.oneof(nastyString, fc.constant(undefined)), {
        minLength: 8,
        maxLength: 8,
      }),
      wrongTypes: fc.array(
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({})),
        { minLength: 8, maxLength: 8 },
      ),
      useWrongType: fc.nat({ max: 7 }),
      asForm: fc.boolean(),
      credential: fc.constantFrom('pat', 'session', 'none'),
    });
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const route = routes[c.routeIndex] ?? routes[0]!;
        const { query, body } = inputsOf(route);
        let param = 0;
        const path = route.path.replace(/\{[^}]+\}/g, () => c.params[param++] || 'x');
        const search = c.query
          .map(([nameIndex, value]) => `${query[nameIndex % query.length]}=${value}`)
          .join('&');
        const fields: Record<string, unknown> = {};
        body.forEach((name, index) => {
          const value = index === c.useWrongType ? c.wrongTypes[index] : c.fields[index % 8];
          if (value !== undefined) fields[name] = value;
        });
        const options: RequestOptions =
          c.credential === 'pat'
            ? { bearer: adminPat }
            : c.credential === 'session'
              ? { bearer: adminSession.accessToken }
              : {};
        if (!['GET', 'HEAD', 'DELETE'].includes(route.method)) {
          if (c.asForm) {
            options.rawBody = Object.entries(fields)
              .map(([name, value]) => `${encodeURIComponent(name)}=${encodeLoosely(String(value))}`)
              .join('&');
            options.contentType = 'application/x-www-form-urlencoded';
          } else {
            options.body = fields;
          }
        }
        const target = search ? `${path}?${search}` : path;
        const res = await t.http.request(route.method, target, options);
        tallyInput(tally, res.status);
        const sent = `${route.method} ${target.slice(0, 300)} ${JSON.stringify(fields).slice(0, 300)}`;
        expect({ sent, status: res.status, serverError: isServerError(res) }).toEqual({
          sent,
          status: res.status,
          serverError: false,
        });
      }),
      { numRuns: 1000 },
    );
  }, 300_000);
});
