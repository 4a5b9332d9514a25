import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JwtResolvers } from '../../common/auth/jwt-resolvers.js';
import { principalFor, type Principal } from '../../common/auth/principal.js';
import type { RequestContext } from '../../common/auth/request-context.js';
import { Clock } from '../../common/clock/clock.js';
import { apiKeyKeys, tokenKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { RateLimits } from '../../common/limits/rate-limits.js';
import { countVerification } from '../../common/metrics/metrics.js';
import { UsageBuffer } from '../../common/usage/last-used-buffer.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import type { VerifiedJwt } from '../signing-keys/jwt.service.js';
import { UsersService } from '../users/users.service.js';
import type { CredentialEntity } from './credential.entity.js';
import { DESCRIPTORS, type CredentialDescriptor, type SecretMatch } from './credential-kinds.js';
import { CredentialsRepository } from './credentials.repository.js';

/** The kinds presented as a secret string rather than a signed JWT. */
export type SecretKind = 'api_key' | 'opaque_token';

/** Where an API key + secret was presented, as failure audit events name it. */
export type ApiKeyChannel = 'header' | 'sessions' | 'oauth_token' | 'revoke';

/** A live, enabled stored credential with the caller it stands for. */
export interface Verified {
  row: CredentialEntity;
  principal: Principal;
  /** The version of the secret presented: the row's, or the one before it during an overlap. */
  secretVersion?: number;
}

/**
 * Verification of every stored credential kind, written once: find the row by the kind's lookup
 * value, check the presented secret, refuse it when switched off, disabled, revoked (after any
 * rotation overlap), expired or when its user is disabled; then the caller with the credential's
 * scopes. Also the work after a request is let in: last use (batched) and the rate limit.
 */
@Injectable()
export class CredentialVerifier implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
    @Inject(RateLimits) private readonly rateLimits: RateLimits,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(UsageBuffer) private readonly usage: UsageBuffer,
  ) {}

  onModuleInit(): void {
    for (const descriptor of Object.values(DESCRIPTORS)) {
      const { jwtKind } = descriptor;
      if (jwtKind) this.resolvers.register(jwtKind, (jwt) => this.verifyJwt(descriptor, jwt));
    }
  }

  /** Writes pending last-used times now (tests, shutdown). */
  flushUsage(): Promise<void> {
    return this.usage.flush();
  }

  /**
   * A presented secret of `kind` (an opaque token, an API key pair written `key:secret`) behind
   * the failure limits of its caller (429 when reached). A wrong secret for an existing API key
   * is audited for the key's owner.
   */
  async authenticate(
    kind: SecretKind,
    presented: string,
    context: RequestContext,
    channel: ApiKeyChannel = 'header',
  ): Promise<Verified | null> {
    const descriptor = DESCRIPTORS[kind];
    if (!descriptor.enabled(this.config)) return null;
    return this.counted(kind, presented, context, channel, (row, match) =>
      this.verifiedMatch(descriptor, row, match),
    );
  }

  /** The same check without counting failures (introspection counts its own). */
  async verify(kind: SecretKind, presented: string): Promise<Verified | null> {
    const descriptor = DESCRIPTORS[kind];
    if (!descriptor.enabled(this.config)) return null;
    const { found, match } = await this.match(kind, presented);
    return found && match ? this.verifiedMatch(descriptor, found, match) : null;
  }

  /**
   * What `use` makes of the row a presented secret matches, behind the failure limits of its
   * caller (429 when reached): an attempt fails when there is no match or `use` answers null. A
   * failed attempt on an existing API key is audited for its owner, naming `channel`.
   */
  async counted<T>(
    kind: SecretKind,
    presented: string,
    context: RequestContext,
    channel: ApiKeyChannel,
    use: (row: CredentialEntity, match: SecretMatch) => Promise<T | null>,
  ): Promise<T | null> {
    const keys =
      kind === 'api_key'
        ? apiKeyKeys(presented.slice(0, presented.indexOf(':')), context.ip)
        : tokenKeys(context.ip);
    const outcome = await this.limiter.attempt(
      { keys, context, kind },
      async () => {
        const { found, match } = await this.match(kind, presented);
        return { found, result: found && match ? await use(found, match) : null };
      },
      ({ result }) => result === null,
    );
    if (outcome.result === null && outcome.found && kind === 'api_key') {
      await this.audit.record('credential.failed', {
        subject: await this.users.findById(outcome.found.userId),
        context,
        details: { kind, id: outcome.found.id, apiKey: outcome.found.lookup, channel },
      });
    }
    return outcome.result;
  }

  /**
   * The live row a presented secret of `kind` finds (none for a malformed one: no query), and
   * whether the secret is its own. An unknown key is compared too, against nothing, so timing
   * does not tell which keys exist.
   */
  async match(
    kind: SecretKind,
    presented: string,
  ): Promise<{ found: CredentialEntity | null; match: SecretMatch | null }> {
    const check = DESCRIPTORS[kind].secretCheck;
    const lookup = check?.lookupOf(presented);
    if (!check || !lookup) return { found: null, match: null };
    const found = await this.credentials.findLive(kind, lookup);
    const match = check.matches(presented, found ?? NO_ROW, this.clock.now());
    return { found, match: found ? match : null };
  }

  /** The usable API key (lk_…) an exchanged token names, or null. */
  async liveApiKey(apiKey: string): Promise<Verified | null> {
    if (!DESCRIPTORS.api_key.enabled(this.config)) return null;
    const row = await this.credentials.findLive('api_key', apiKey);
    return row ? this.verified(DESCRIPTORS.api_key, row, null) : null;
  }

  /**
   * After a request is let in: one verification of its kind, its credential's last use and
   * hourly count (written later, in a batch), and its rate limit (429 over it; the RateLimit
   * headers on every answer).
   */
  async admit(principal: Principal, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const kind = verificationKind(principal);
    this.usage.count('verification', kind);
    countVerification(kind, 'success');
    if (!principal.credentialId) return;
    const limit = principal.credential?.rateLimit;
    if (limit) {
      void reply.headers(
        await this.rateLimits.consume('credential', principal.credentialId, limit),
      );
    }
    this.recordUse(principal, request.ip);
  }

  /**
   * The credential `principal` stands for was used (a request, a forward-auth check, an
   * introspection by another service): its last use, written later in a batch, from `ip` when
   * the address of whoever presented it is known.
   */
  recordUse(principal: Principal, ip: string | null): void {
    if (principal.credentialId) this.usage.touch(principal.credentialId, ip);
  }

  private async verifyJwt(
    descriptor: CredentialDescriptor,
    jwt: VerifiedJwt,
  ): Promise<Principal | null> {
    if (!descriptor.enabled(this.config)) return null;
    const row = await this.credentials.findLive(descriptor.kind, jwt.jti);
    if (!row || row.userId !== jwt.sub) return null;
    const principal = (await this.verified(descriptor, row, null))?.principal ?? null;
    const actorId = actorOf(jwt);
    if (!principal || actorId === undefined) return principal;
    // The admin acting through it must still be an active admin: their power ends with their role.
    const actor = await this.users.findActive(actorId);
    if (!actor?.roles.includes('admin')) return null;
    return { ...principal, actor: { id: actor.id, login: actor.login, roles: actor.roles } };
  }

  /** The caller of a matched row, with the version of the secret that matched. */
  private async verifiedMatch(
    descriptor: CredentialDescriptor,
    row: CredentialEntity,
    match: SecretMatch,
  ): Promise<Verified | null> {
    const verified = await this.verified(descriptor, row, match.until);
    const secretVersion = row.secretVersion - (match.previous ? 1 : 0);
    return verified && { ...verified, secretVersion };
  }

  /** The caller of a live row, unless it is disabled, expired or its user is disabled. */
  private async verified(
    descriptor: CredentialDescriptor,
    row: CredentialEntity,
    secretUntil: number | null,
  ): Promise<Verified | null> {
    const now = this.clock.now();
    const ends = [row.expiresAt?.getTime(), row.revokedAt?.getTime(), secretUntil ?? undefined];
    const expiresAt = Math.min(...ends.map((end) => end ?? Infinity));
    if (row.disabledAt !== null || expiresAt <= now) return null;
    const user = await this.users.findActive(row.userId);
    if (!user) return null;
    const rateLimit =
      row.rateLimitRequests !== null && row.rateLimitPerSeconds !== null
        ? { requests: row.rateLimitRequests, perSeconds: row.rateLimitPerSeconds }
        : undefined;
    const principal = principalFor(user, descriptor.method, {
      ...(row.scopes ? { granted: row.scopes } : {}),
      credentialId: row.id,
      credential: {
        issuedAt: row.createdAt.getTime(),
        ...(Number.isFinite(expiresAt) ? { expiresAt } : {}),
        ...(descriptor.kind === 'api_key' ? { clientId: row.lookup } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      },
    });
    return { row, principal };
  }
}

/** The `act` of a verified JWT (RFC 8693 §4.1): who acts through it, when it is not its subject. */
function actorOf(jwt: VerifiedJwt): string | undefined {
  const act = jwt.claims.act;
  if (typeof act !== 'object' || act === null) return undefined;
  const sub = (act as { sub?: unknown }).sub;
  return typeof sub === 'string' ? sub : undefined;
}

/** Stored credentials count under their kind, the rest under their method (session, basic, exchanged). */
function verificationKind(principal: Principal): string {
  const stored = Object.values(DESCRIPTORS).find(
    (descriptor) => descriptor.method === principal.method,
  );
  return stored?.kind ?? principal.method;
}

/** Stands in for a missing row in the constant-time comparison. */
const NO_ROW = {
  secretHash: null,
  previousSecretHash: null,
  previousSecretExpiresAt: null,
} as CredentialEntity;
