import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** A duration in seconds, written as `900`, `900s`, `15m`, `12h` or `30d`. */
const duration = z
  .string()
  .regex(/^\d+[smhd]?$/, 'expected a duration such as 900, 15m, 12h or 30d')
  .transform((value) => {
    const unit = value.at(-1) as string;
    return unit in UNIT_SECONDS
      ? Number(value.slice(0, -1)) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS]
      : Number(value);
  })
  .refine((seconds) => seconds > 0, 'expected a duration above zero');

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(1, 'expected a port between 1 and 65535')
  .max(65535, 'expected a port between 1 and 65535');

const positiveInt = z.coerce.number({ error: 'expected a number' }).int().positive();

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://auth.example.com' })
  .transform((value) => value.replace(/\/+$/, ''));

const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  )
  .refine(
    (origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)),
    'expected a comma-separated list of origins such as https://app.example.com',
  );

/** `false`, `true`, a hop count, or a comma-separated list of trusted proxy addresses. */
const trustProxy = z.string().transform((value): boolean | number | string[] => {
  if (['false', '0', 'no', 'off', ''].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
});

interface VariableSpec {
  schema: z.ZodType;
  description: string;
  /** Default as written in .env.example; absent when unset means "not configured". */
  default?: string;
  sensitive?: boolean;
}

/**
 * Every environment variable Latchkey reads, with its meaning. This is the only place that
 * knows their names; `.env.example` is checked against it by a unit test.
 */
export const CONFIG_VARIABLES = {
  HOST: {
    schema: z.string().min(1),
    default: '0.0.0.0',
    description: 'Interface the HTTP server binds to.',
  },
  PORT: { schema: port, default: '3000', description: 'HTTP port.' },
  PUBLIC_URL: {
    schema: httpUrl,
    description:
      'The URL people and services use to reach Latchkey (issuer, links, allowed Origin). Default: http://localhost:PORT.',
  },
  CORS_ORIGINS: {
    schema: originList,
    default: '',
    description: 'Comma-separated browser origins allowed to call the API besides PUBLIC_URL.',
  },
  TRUST_PROXY: {
    schema: trustProxy,
    default: 'false',
    description:
      'Trust X-Forwarded-* from a reverse proxy: false, true, a hop count or a comma-separated list of proxy addresses.',
  },
  HTTPS_REDIRECT: {
    schema: booleanFlag,
    default: 'false',
    description:
      'Answer plain-HTTP requests with 301 (308 for methods other than GET and HEAD) to the same path on the HTTPS PUBLIC_URL. Behind a proxy that ends TLS, set TRUST_PROXY too, or requests loop.',
  },
  COOKIE_SECURE: {
    schema: z.union([z.literal('auto'), booleanFlag], {
      error: 'expected auto, true or false',
    }),
    default: 'auto',
    description:
      'Mark the refresh cookie Secure. auto: Secure unless PUBLIC_URL is plain http on a host other than a loopback name (browsers accept Secure cookies on http://localhost).',
  },
  WEBAUTHN_RP_ID: {
    schema: z
      .string()
      .toLowerCase()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
        'expected a domain name such as example.com (no scheme, no port)',
      ),
    description:
      'WebAuthn relying party ID that passkeys are bound to: the host of PUBLIC_URL or a parent domain of it. Default: the host of PUBLIC_URL. Changing it makes every registered passkey unusable.',
  },
  WEBAUTHN_MAX_PENDING_CHALLENGES: {
    schema: positiveInt,
    default: '10000',
    description:
      'Most unused passkey challenges kept at once (anyone may ask for one); past it the oldest are dropped, so those sign-ins must start again.',
  },
  WEBAUTHN_RP_NAME: {
    schema: z.string().trim().min(1).max(64),
    default: 'Latchkey',
    description: 'Name of this site that browsers show when they create or use a passkey.',
  },
  DATABASE_URL: {
    schema: z.url({
      protocol: /^postgres(ql)?$/,
      error: 'expected postgres://user:password@host:port/database',
    }),
    sensitive: true,
    description:
      'PostgreSQL connection string. Unset: an embedded PostgreSQL is started with its data under DATA_DIR.',
  },
  DATABASE_LISTEN_URL: {
    schema: z.url({
      protocol: /^postgres(ql)?$/,
      error: 'expected postgres://user:password@host:port/database',
    }),
    sensitive: true,
    description:
      'A direct PostgreSQL connection (not through a transaction-mode pooler such as PgBouncer) for the revocation feed, which needs LISTEN. Unset: DATABASE_URL. Checked at start-up with a NOTIFY round trip.',
  },
  DATABASE_POOL_SIZE: {
    schema: positiveInt.max(200),
    default: '10',
    description: 'Maximum number of PostgreSQL connections per instance.',
  },
  DATABASE_QUERY_TIMEOUT: {
    schema: duration,
    default: '10s',
    description:
      'Longest wait for the answer to one PostgreSQL query before the request fails with 503: a frozen or unreachable database must not hold requests forever. Migrations are not limited.',
  },
  DATA_DIR: {
    schema: z.string().min(1),
    default: '.data',
    description:
      'Directory for local state: the embedded PostgreSQL cluster and, unless ENCRYPTION_KEY is set, the master key (encryption.key); keep it with the database. Works when the server runs as root too.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    description: 'Log level of the structured (JSON) logs.',
  },
  USAGE_RETENTION_DAYS: {
    schema: positiveInt,
    default: '90',
    description:
      'How long hourly usage aggregates (verifications per credential, sign-ins, rate-limit refusals) are kept, in days; older ones are pruned.',
  },
  METRICS_PORT: {
    schema: port,
    description:
      'Serves Prometheus metrics at /metrics on this port, on a listener of its own (bind it to a private interface or firewall it). Unset: GET /metrics on the API port, for a credential holding metrics:read only.',
  },
  CLOCK_OFFSET_MS: {
    schema: z.coerce
      .number({ error: 'expected a whole number of milliseconds' })
      .int('expected a whole number of milliseconds'),
    default: '0',
    description:
      'Testing and fault drills only (npm run chaos): shifts the clock this instance issues and checks tokens and TOTP codes by, in milliseconds (negative: behind). Leave 0 in production.',
  },
  JWT_SECRET: {
    schema: z.string().min(16, 'must be at least 16 characters'),
    sensitive: true,
    description:
      'Switches JWT signing to HS256 with this secret (at least 16 characters). Unset: asymmetric keys.',
  },
  JWT_AUDIENCE: {
    schema: z.string().min(1),
    default: 'latchkey',
    description: 'The aud claim of the JWTs Latchkey issues and accepts.',
  },
  ENCRYPTION_KEY: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    sensitive: true,
    description:
      'Key that encrypts signing keys and TOTP secrets at rest (at least 32 characters). Unset: generated once into DATA_DIR/encryption.key. Set it when several instances share a database.',
  },
  AUTH_BEARER_ENABLED: {
    schema: booleanFlag,
    default: 'true',
    description: 'Accept session access tokens and exchanged tokens as Authorization: Bearer.',
  },
  AUTH_ACCESS_TOKEN_TTL: {
    schema: duration,
    default: '15m',
    description: 'Lifetime of the access JWTs issued by login and refresh.',
  },
  AUTH_REFRESH_TOKEN_TTL: {
    schema: duration,
    default: '30d',
    description:
      'Idle timeout of a browser session: a refresh token unused this long expires (sliding, renewed on every refresh).',
  },
  AUTH_SESSION_MAX_LIFETIME: {
    schema: duration,
    default: '90d',
    description: 'Absolute lifetime of a browser session, however often it is refreshed.',
  },
  AUTH_REFRESH_REUSE_GRACE: {
    schema: duration,
    default: '10s',
    description:
      'How long a spent refresh token may be presented again (tabs refreshing together) before it counts as reuse and revokes the session.',
  },
  AUTH_REAUTH_MAX_AGE: {
    schema: duration,
    default: '5m',
    description:
      'How long after proving the password or a factor again (POST /api/v1/auth/reauthenticate) a session may add or remove factors, change the password, enable the account token or mint a credential that never expires.',
  },
  AUTH_MFA_TOKEN_TTL: {
    schema: duration,
    default: '5m',
    description: 'Time allowed between the password step and the TOTP step of a login.',
  },
  AUTH_PAT_ENABLED: {
    schema: booleanFlag,
    default: 'true',
    description: 'Accept personal access tokens and account API tokens as Authorization: Bearer.',
  },
  AUTH_API_KEY_ENABLED: {
    schema: booleanFlag,
    default: 'true',
    description:
      'Accept API key + secret (Authorization: token key:secret, or Basic key:secret) and exchange them for tokens.',
  },
  AUTH_OPAQUE_TOKEN_ENABLED: {
    schema: booleanFlag,
    default: 'true',
    description: 'Issue and accept opaque lkt_ tokens (X-Auth-Token, Bearer).',
  },
  AUTH_QUERY_TOKEN_ENABLED: {
    schema: booleanFlag,
    default: 'true',
    description: 'Accept an opaque token in the auth_token query parameter.',
  },
  AUTH_EXCHANGE_TOKEN_TTL: {
    schema: duration,
    default: '1h',
    description: 'Lifetime of the JWTs issued by POST /sessions and POST /oauth/token.',
  },
  AUTH_OPAQUE_TOKEN_TTL: {
    schema: duration,
    default: '1800',
    description: 'Lifetime of opaque lkt_ tokens issued by /auth/token.',
  },
  PAT_MAX_LIFETIME_DAYS: {
    schema: positiveInt,
    description:
      'Longest lifetime a personal access token may be given, in days. Unset: no limit, and tokens that never expire are allowed.',
  },
  MAX_PATS_PER_USER: {
    schema: positiveInt,
    default: '100',
    description:
      'Most live (unrevoked, unexpired) personal access tokens one user may hold; creating one more answers 409 conflict.',
  },
  MAX_OPAQUE_TOKENS_PER_USER: {
    schema: positiveInt,
    default: '100',
    description:
      'Most live (unrevoked, unexpired) opaque tokens one user may hold; issuing one more answers 409 conflict.',
  },
  AUTH_BASIC_PASSWORD_ENABLED: {
    schema: booleanFlag,
    default: 'true',
    description: 'Accept Authorization: Basic base64(login:password) on API calls.',
  },
  AUTH_LOGIN_MAX_FAILURES: {
    schema: positiveInt,
    default: '10',
    description:
      'Wrong passwords allowed per login from untrusted clients (no device cookie for it, or Basic), and per trusted device, within AUTH_LOGIN_FAILURE_WINDOW before 429. Also wrong MFA codes per user.',
  },
  AUTH_LOGIN_IP_MAX_FAILURES: {
    schema: positiveInt,
    default: '100',
    description:
      'Wrong passwords and MFA codes allowed per client IP within AUTH_LOGIN_FAILURE_WINDOW before 429 (trusted devices are not counted here).',
  },
  AUTH_LOGIN_FAILURE_WINDOW: {
    schema: duration,
    default: '15m',
    description:
      'Window for counting failed logins and MFA codes; a blocked login, device or IP is free again when its window ends.',
  },
  AUTH_DEVICE_COOKIE_TTL: {
    schema: duration,
    default: '180d',
    description:
      'Lifetime of the signed lk_device cookie a browser gets on a successful sign-in: with it, that login is not blocked by failures of other clients.',
  },
  AUTH_CREDENTIAL_MAX_FAILURES: {
    schema: positiveInt,
    default: '10',
    description:
      'Wrong secrets allowed per API key and client IP, and inactive answers per introspection caller, within AUTH_CREDENTIAL_FAILURE_WINDOW before 429.',
  },
  AUTH_CREDENTIAL_IP_MAX_FAILURES: {
    schema: positiveInt,
    default: '100',
    description:
      'Failed machine credentials (API secrets, /sessions, /oauth/token, opaque and refresh tokens, introspection) allowed per client IP within AUTH_CREDENTIAL_FAILURE_WINDOW before 429.',
  },
  AUTH_CREDENTIAL_FAILURE_WINDOW: {
    schema: duration,
    default: '15m',
    description: 'Window for counting failed machine credentials.',
  },
  REDIS_URL: {
    schema: z.url({
      protocol: /^rediss?$/,
      error: 'expected redis://[user:password@]host:port[/db] or rediss://…',
    }),
    sensitive: true,
    description:
      'Redis that keeps the failure counters, shared by every instance. Unset: each instance counts in its own memory. When Redis cannot be reached, counting falls back to memory with a warning.',
  },
  REDIS_KEY_PREFIX: {
    schema: z.string().min(1).max(64),
    default: 'latchkey:',
    description:
      'Prefix of every key Latchkey writes to Redis, so deployments can share one Redis.',
  },
  SECURITY_EVENTS_RETENTION: {
    schema: duration,
    default: '1d',
    description:
      'How long security events are kept at least (GET /events resumes within it). An event is kept longer while what it names could still be presented (a revoked token that has not expired).',
  },
  SECURITY_EVENTS_HEARTBEAT: {
    schema: duration,
    default: '1s',
    description:
      'How often GET /events sends a heartbeat comment while this instance hears the change feed: verifiers count the stream as stale when heartbeats stop.',
  },
  SECURITY_EVENTS_MAX_BACKLOG: {
    schema: positiveInt,
    default: '10000',
    description:
      'Events a GET /events subscriber may have unsent before it is cut off (it reconnects with Last-Event-ID and resumes).',
  },
  SECURITY_EVENTS_POLL_WAIT: {
    schema: duration,
    default: '30s',
    description:
      'How long POST /events/poll waits for an event when none is pending and returnImmediately is false (RFC 8936 long polling).',
  },
  PASSWORD_MIN_LENGTH: {
    schema: positiveInt.min(8, 'must be at least 8 (NIST SP 800-63B)').max(256),
    default: '12',
    description: 'Minimum password length (NIST SP 800-63B). Maximum is 256.',
  },
  BOOTSTRAP_ADMIN_LOGIN: {
    schema: z.string().min(1).max(64),
    default: 'admin',
    description: 'Login of the admin created on first start, when no user exists.',
  },
  BOOTSTRAP_ADMIN_EMAIL: {
    schema: z.email(),
    default: 'admin@localhost.localdomain',
    description: 'Email of the admin created on first start.',
  },
  BOOTSTRAP_ADMIN_PASSWORD: {
    schema: z.string().min(1),
    sensitive: true,
    description:
      'Password of the first admin. Unset: one is generated on first start and printed once.',
  },
} satisfies Record<string, VariableSpec>;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;
