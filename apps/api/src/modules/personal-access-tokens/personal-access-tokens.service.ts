import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CreatePersonalAccessTokenInput, Scope } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import {
  assertWithinCeiling,
  minterOf,
  type Minter,
} from '../../common/auth/permission-ceiling.js';
import { principalFor, type Principal, type PrincipalUser } from '../../common/auth/principal.js';
import { Clock } from '../../common/clock/clock.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { LastUsedBuffer } from '../../common/usage/last-used-buffer.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { JwtResolvers } from '../auth/jwt-resolvers.js';
import { JwtService, type VerifiedJwt } from '../signing-keys/jwt.service.js';
import { UsersService } from '../users/users.service.js';
import type {
  PersonalAccessTokenEntity,
  PersonalTokenKind,
} from './personal-access-token.entity.js';
import { PersonalAccessTokensRepository } from './personal-access-tokens.repository.js';

export const PERSONAL_TOKEN_TOPIC = 'personal-access-token';
const DAY_MS = 86_400_000;

/** What the hot path needs of a live PAT or account token, cached by jti. */
interface LiveToken {
  id: string;
  userId: string;
  kind: PersonalTokenKind;
  scopes: Scope[] | null;
  expiresAt: number | null;
}

export interface IssuedPersonalToken {
  entity: PersonalAccessTokenEntity;
  token: string;
}

type CreateInput = Omit<CreatePersonalAccessTokenInput, 'scopes'> & { scopes: Scope[] };

/**
 * Personal access tokens and the account API token: JWTs (typ lk-pat+jwt, lk-account+jwt) whose
 * jti is checked against the database through an in-process cache, so revoking one stops it at
 * once on every instance.
 */
@Injectable()
export class PersonalAccessTokensService implements OnModuleInit, OnModuleDestroy {
  private readonly live: CredentialCache<LiveToken>;
  private readonly usage: LastUsedBuffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PersonalAccessTokensRepository) private readonly tokens: PersonalAccessTokensRepository,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.live = feed.cache(PERSONAL_TOKEN_TOPIC, { ttlMs: 60_000, maxEntries: 50_000 });
    this.usage = new LastUsedBuffer('personal access tokens', (uses) =>
      this.tokens.writeLastUsed(uses),
    );
  }

  onModuleInit(): void {
    this.resolvers.register('personalAccessToken', (jwt, request) =>
      this.resolve(jwt, request, 'personal'),
    );
    this.resolvers.register('accountToken', (jwt, request) =>
      this.resolve(jwt, request, 'account'),
    );
  }

  onModuleDestroy(): Promise<void> {
    return this.usage.onModuleDestroy();
  }

  /** Writes pending last-used times now (tests, shutdown). */
  flushUsage(): Promise<void> {
    return this.usage.flush();
  }

  /** A new PAT for the caller, within the permission ceiling of the caller's credential. */
  async create(
    principal: Principal,
    input: CreateInput,
    acting: Acting,
  ): Promise<IssuedPersonalToken> {
    this.assertEnabled();
    assertWithinCeiling(minterOf(principal), principal.user, { requested: input.scopes });
    const expiresAt = this.checkedExpiry(input.expiresAt);
    const expiresIn =
      expiresAt === null ? null : Math.ceil((expiresAt.getTime() - this.clock.now()) / 1000);
    const signed = await this.sign(principal.user.id, 'personalAccessToken', expiresIn);
    const entity = await this.tokens.insert({
      userId: principal.user.id,
      kind: 'personal',
      name: input.name,
      scopes: input.scopes,
      jti: signed.jti,
      kid: signed.kid,
      expiresAt: signed.expiresAt,
    });
    const issued = { entity, token: signed.token };
    await this.audit.record('token.created', {
      ...acting,
      subject: principal.user,
      details: {
        kind: 'personal_access_token',
        id: issued.entity.id,
        name: input.name,
        scopes: input.scopes,
        expiresAt: issued.entity.expiresAt?.toISOString() ?? null,
      },
    });
    return issued;
  }

  list(userId: string): Promise<PersonalAccessTokenEntity[]> {
    return this.tokens.listPersonal(userId);
  }

  async get(userId: string, id: string): Promise<PersonalAccessTokenEntity> {
    const token = await this.tokens.findPersonal(userId, id);
    if (!token) throw Problems.notFound('No personal access token has this id.');
    return token;
  }

  /** Revokes one of the user's PATs (404 when they have no such live token). */
  async revokeOwn(userId: string, id: string, acting: Acting): Promise<void> {
    await this.get(userId, id);
    await this.revoke({ id }, acting);
  }

  /** Revokes a live PAT or account token by id or jti; null when there was none. */
  async revoke(
    criteria: { id: string } | { jti: string },
    acting: Acting,
  ): Promise<PersonalAccessTokenEntity | null> {
    const revoked = await this.tokens.revoke(criteria);
    if (!revoked) return null;
    await this.feed.publish(PERSONAL_TOKEN_TOPIC, revoked.jti);
    const subject = await this.users.findById(revoked.userId);
    await this.audit.record('token.revoked', {
      ...acting,
      subject: subject ?? null,
      details: {
        kind: revoked.kind === 'personal' ? 'personal_access_token' : 'account_token',
        id: revoked.id,
        name: revoked.name,
      },
    });
    return revoked;
  }

  accountToken(userId: string): Promise<PersonalAccessTokenEntity | null> {
    return this.tokens.findAccountToken(userId);
  }

  /**
   * A new account token for the user; any earlier one stops working at once. It carries every
   * permission of the user, so only the person themself (or an admin in person) may mint it.
   */
  async regenerateAccountToken(
    user: PrincipalUser,
    minter: Minter,
    acting: Acting,
  ): Promise<IssuedPersonalToken> {
    this.assertEnabled();
    assertWithinCeiling(minter, user, { everything: true });
    const signed = await this.sign(user.id, 'accountToken', null);
    const { created, revokedJti } = await this.tokens.replaceAccountToken({
      userId: user.id,
      kind: 'account',
      name: 'Account API token',
      scopes: null,
      jti: signed.jti,
      kid: signed.kid,
      expiresAt: null,
    });
    const issued = { entity: created, token: signed.token };
    if (revokedJti) await this.feed.publish(PERSONAL_TOKEN_TOPIC, revokedJti);
    await this.audit.record('token.created', {
      ...acting,
      subject: { id: user.id, login: user.login },
      details: { kind: 'account_token', id: issued.entity.id, replaced: revokedJti !== null },
    });
    return issued;
  }

  async disableAccountToken(userId: string, acting: Acting): Promise<void> {
    const current = await this.tokens.findAccountToken(userId);
    if (current) await this.revoke({ id: current.id }, acting);
  }

  /** Signs a token; the caller stores its row before anyone sees the token. */
  private async sign(
    userId: string,
    kind: 'personalAccessToken' | 'accountToken',
    expiresIn: number | null,
  ): Promise<{ token: string; jti: string; kid: string | null; expiresAt: Date | null }> {
    const signed = await this.jwt.sign(kind, { subject: userId, expiresIn });
    return { ...signed, kid: keyIdOf(signed.token) };
  }

  private async resolve(
    jwt: VerifiedJwt,
    request: FastifyRequest,
    kind: PersonalTokenKind,
  ): Promise<Principal | null> {
    if (!this.config.AUTH_PAT_ENABLED) return null;
    const token = await this.live.get(jwt.jti, async () => {
      const found = await this.tokens.findLiveByJti(jwt.jti);
      return found ? toLiveToken(found) : null;
    });
    if (!token || token.kind !== kind || token.userId !== jwt.sub) return null;
    if (token.expiresAt !== null && token.expiresAt <= this.clock.now()) return null;
    const user = await this.users.findActive(token.userId);
    if (!user) return null;
    this.usage.touch(token.id, request.ip);
    return principalFor(user, kind === 'personal' ? 'personal_access_token' : 'api_token', {
      ...(token.scopes ? { granted: token.scopes } : {}),
      credentialId: token.id,
    });
  }

  private assertEnabled(): void {
    if (!this.config.AUTH_PAT_ENABLED) {
      throw Problems.forbidden('Personal access tokens are switched off (AUTH_PAT_ENABLED).');
    }
  }

  /** The expiry asked for, refused when past or beyond PAT_MAX_LIFETIME_DAYS. */
  private checkedExpiry(expiresAt: string | null): Date | null {
    const maxDays = this.config.PAT_MAX_LIFETIME_DAYS;
    const refuse = (message: string) =>
      Problems.validation([{ field: 'expiresAt', message }], message);
    if (expiresAt === null) {
      if (maxDays !== undefined) {
        throw refuse(`expiresAt is required: tokens may live at most ${maxDays} days`);
      }
      return null;
    }
    const date = new Date(expiresAt);
    if (date.getTime() <= this.clock.now()) throw refuse('expiresAt must be in the future');
    if (maxDays !== undefined && date.getTime() > this.clock.now() + maxDays * DAY_MS) {
      throw refuse(`expiresAt may be at most ${maxDays} days from now`);
    }
    return date;
  }
}

function toLiveToken(entity: PersonalAccessTokenEntity): LiveToken {
  return {
    id: entity.id,
    userId: entity.userId,
    kind: entity.kind,
    scopes: entity.scopes,
    expiresAt: entity.expiresAt?.getTime() ?? null,
  };
}

/** The kid in a JWT's header (none with HS256). */
function keyIdOf(token: string): string | null {
  const [header] = token.split('.');
  const parsed = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as {
    kid?: string;
  };
  return parsed.kid ?? null;
}
