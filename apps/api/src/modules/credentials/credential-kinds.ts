import { timingSafeEqual } from 'node:crypto';
import { TOKEN_PREFIXES, type AuditEventType, type AuthMethod } from '@latchkey/contracts';
import { generateToken, hashToken, isWellFormedToken } from '../../common/crypto/token-format.js';
import type { Lifetime } from '../../common/auth/permission-ceiling.js';
import type { AppConfig } from '../../config/config.js';
import type { JwtService } from '../signing-keys/jwt.service.js';
import type { CredentialEntity, CredentialKind } from './credential.entity.js';

/** What minting stored and what is shown once. */
export interface Minted {
  /** The secret the holder presents (the token, or the API secret); never stored. */
  secret: string;
  lookup: string;
  secretHash?: Buffer;
  kid?: string | null;
  expiresAt: Date | null;
}

export interface MintRequest {
  userId: string;
  expiresAt: Date | null;
  /** Epoch ms, from the Clock. */
  now: number;
  /** An admin who mints it for another user and holds it: the JWT's `act` (RFC 8693 §4.1). */
  actorId?: string;
}

/** How a presented string of a secret-checked kind finds its row and is checked against it. */
export interface SecretCheck {
  /** The lookup value, or null when the string is not of this kind's shape (no query then). */
  lookupOf(presented: string): string | null;
  /**
   * Whether the presented string is the row's secret (constant time): null when it is not,
   * else until when it works (epoch ms; null: as long as the row does), and whether it is the
   * secret before a rotation, still in its overlap.
   */
  matches(presented: string, row: CredentialEntity, now: number): SecretMatch | null;
}

/** Until when a matched secret works (epoch ms; null: as long as its row), and if it is the previous one. */
export interface SecretMatch {
  until: number | null;
  previous?: true;
}

/**
 * One kind of stored credential: the little that differs between kinds. Everything else (store,
 * lookup, last use, disable, rate limit, rotation, revocation, cache eviction, audit) is written
 * once in CredentialsService and CredentialVerifier.
 */
export interface CredentialDescriptor {
  kind: CredentialKind;
  /** How a request authenticated with it shows up (`authMethod`). */
  method: AuthMethod;
  /** What people call it in messages. */
  label: string;
  enabled(config: AppConfig): boolean;
  /** The variable that switches it off, named in the 403 of a refused mint. */
  switchName: string;
  audit: { created: AuditEventType; revoked: AuditEventType; updated: AuditEventType };
  /** A user holds at most one live credential of this kind (a new one replaces it). */
  onePerUser?: true;
  /** How long a new one lives, as the permission ceiling weighs it against its minter's. */
  lifetime(request: MintRequest, config: AppConfig): Lifetime;
  mint(request: MintRequest, jwt: JwtService, config: AppConfig): Promise<Minted>;
  /** JWT kinds: the `typ` a presented JWT carries; its jti is the lookup value. */
  jwtKind?: 'personalAccessToken' | 'accountToken';
  /** Secret kinds: how a presented string is looked up and checked. */
  secretCheck?: SecretCheck;
}

/** Compared for a key that does not exist, so both paths do the same work. */
const NO_SECRET_HASH = hashToken('lks_ no key has this secret');

async function mintJwt(
  kind: 'personalAccessToken' | 'accountToken',
  { userId, expiresAt, now, actorId }: MintRequest,
  jwt: JwtService,
): Promise<Minted> {
  const expiresIn = expiresAt === null ? null : Math.ceil((expiresAt.getTime() - now) / 1000);
  const claims = actorId ? { act: { sub: actorId } } : {};
  const signed = await jwt.sign(kind, { subject: userId, expiresIn, claims });
  return {
    secret: signed.token,
    lookup: signed.jti,
    kid: keyIdOf(signed.token),
    expiresAt: signed.expiresAt,
  };
}

const TOKEN_AUDIT = {
  created: 'token.created',
  revoked: 'token.revoked',
  updated: 'token.updated',
} as const;

export const DESCRIPTORS: Record<CredentialKind, CredentialDescriptor> = {
  personal_access_token: {
    kind: 'personal_access_token',
    method: 'personal_access_token',
    label: 'personal access token',
    enabled: (config) => config.AUTH_PAT_ENABLED,
    switchName: 'AUTH_PAT_ENABLED',
    audit: TOKEN_AUDIT,
    jwtKind: 'personalAccessToken',
    lifetime: ({ expiresAt }) => ({ chosen: expiresAt?.getTime() ?? null, field: 'expiresAt' }),
    mint: (request, jwt) => mintJwt('personalAccessToken', request, jwt),
  },
  account_token: {
    kind: 'account_token',
    // The contract's name for the account token (SPEC "authMethod").
    method: 'api_token',
    label: 'account token',
    enabled: (config) => config.AUTH_PAT_ENABLED,
    switchName: 'AUTH_PAT_ENABLED',
    audit: TOKEN_AUDIT,
    onePerUser: true,
    jwtKind: 'accountToken',
    lifetime: () => ({ never: 'The account token' }),
    mint: (request, jwt) => mintJwt('accountToken', { ...request, expiresAt: null }, jwt),
  },
  api_key: {
    kind: 'api_key',
    method: 'api_key',
    label: 'API key',
    enabled: (config) => config.AUTH_API_KEY_ENABLED,
    switchName: 'AUTH_API_KEY_ENABLED',
    audit: { created: 'api_key.created', revoked: 'api_key.revoked', updated: 'api_key.updated' },
    lifetime: () => ({ never: 'An API key' }),
    mint: () => {
      const secret = generateToken(TOKEN_PREFIXES.apiSecret);
      return Promise.resolve({
        secret,
        lookup: generateToken(TOKEN_PREFIXES.apiKey),
        secretHash: hashToken(secret),
        expiresAt: null,
      });
    },
    // Presented as `key:secret`: the key finds the row, the secret (or, during a rotation's
    // overlap, the one before it) must match its hash. Both comparisons always run.
    secretCheck: {
      lookupOf: (presented) => {
        const colon = presented.indexOf(':');
        const key = presented.slice(0, colon);
        const secret = presented.slice(colon + 1);
        if (colon <= 0 || !isWellFormedToken(secret, TOKEN_PREFIXES.apiSecret)) return null;
        return isWellFormedToken(key, TOKEN_PREFIXES.apiKey) ? key : null;
      },
      matches: (presented, row, now) => {
        const hash = hashToken(presented.slice(presented.indexOf(':') + 1));
        const current = timingSafeEqual(hash, row.secretHash ?? NO_SECRET_HASH);
        const overlapping = (row.previousSecretExpiresAt?.getTime() ?? 0) > now;
        const previous = timingSafeEqual(hash, row.previousSecretHash ?? NO_SECRET_HASH);
        if (current) return { until: null };
        return overlapping && previous
          ? { until: row.previousSecretExpiresAt?.getTime() ?? null, previous: true }
          : null;
      },
    },
  },
  opaque_token: {
    kind: 'opaque_token',
    method: 'opaque',
    label: 'opaque token',
    enabled: (config) => config.AUTH_OPAQUE_TOKEN_ENABLED,
    switchName: 'AUTH_OPAQUE_TOKEN_ENABLED',
    audit: TOKEN_AUDIT,
    lifetime: ({ now }, config) => ({ fixed: now + config.AUTH_OPAQUE_TOKEN_TTL * 1000 }),
    // Its expiry is the fixed lifetime, or the minter's when that ends sooner (the ceiling).
    mint: ({ expiresAt, now }, _jwt, config) => {
      const secret = generateToken(TOKEN_PREFIXES.opaque);
      return Promise.resolve({
        secret,
        lookup: opaqueLookup(secret),
        expiresAt: expiresAt ?? new Date(now + config.AUTH_OPAQUE_TOKEN_TTL * 1000),
      });
    },
    // The SHA-256 of the token is its lookup value: finding the row is the check.
    secretCheck: {
      lookupOf: (presented) =>
        isWellFormedToken(presented, TOKEN_PREFIXES.opaque) ? opaqueLookup(presented) : null,
      matches: () => ({ until: null }),
    },
  },
};

/** The descriptor of the JWT kind a token's typ names, if it is a stored credential. */
export function descriptorOfJwt(jwtKind: string): CredentialDescriptor | undefined {
  return Object.values(DESCRIPTORS).find((descriptor) => descriptor.jwtKind === jwtKind);
}

function opaqueLookup(token: string): string {
  return hashToken(token).toString('hex');
}

/** The kid in a JWT's header (none with HS256). */
function keyIdOf(token: string): string | null {
  const [header] = token.split('.');
  const parsed = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as {
    kid?: string;
  };
  return parsed.kid ?? null;
}
