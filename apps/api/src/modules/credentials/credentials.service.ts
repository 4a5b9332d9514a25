import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  TOKEN_PREFIXES,
  type BulkStatus,
  type CredentialBulkInput,
  type CredentialInventoryFilter,
  type CredentialListQuery,
  type RateLimit,
  type RevokedReason,
  type Scope,
  type UpdateCredentialInput,
} from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import {
  assertWithinCeiling,
  lifetimeWithinCeiling,
  type Minter,
} from '../../common/auth/permission-ceiling.js';
import type { PrincipalUser } from '../../common/auth/principal.js';
import { Clock } from '../../common/clock/clock.js';
import { hashToken, isWellFormedToken } from '../../common/crypto/token-format.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import { CREDENTIAL_TOPIC } from '../../common/events/topics.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { splitKeyAndSecret } from '../api-keys/api-key-credentials.js';
import { AuditService } from '../audit/audit.service.js';
import { InvalidJwt, JwtService } from '../signing-keys/jwt.service.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import { UsersService } from '../users/users.service.js';
import {
  CREDENTIAL_KINDS,
  type CredentialEntity,
  type CredentialKind,
  type RestrictionAuthority,
  type StoredRevokedReason,
} from './credential.entity.js';
import { rateLimitOf } from './credentials.mapper.js';
import { descriptorOfJwt, DESCRIPTORS } from './credential-kinds.js';
import { CredentialVerifier } from './credential-verifier.js';
import {
  CredentialsRepository,
  type LiveCounts,
  type OwnedCredential,
} from './credentials.repository.js';

const DAY_MS = 86_400_000;

/** A stored credential as lists show it: the row and its lifecycle state. */
export interface CredentialView {
  entity: CredentialEntity;
  disabled: boolean;
  revokedAt: Date | null;
  revokedReason: RevokedReason | null;
}

/** An inventory row: the credential as lists show it, and its owner's login. */
export interface OwnedView extends CredentialView {
  ownerLogin: string;
}

export interface Issued {
  entity: CredentialEntity;
  /** Shown once, never stored. */
  secret: string;
}

export interface IssueInput {
  name: string;
  /** Null: every permission of the user (the account token, an opaque token). */
  scopes: Scope[] | null;
  expiresAt: Date | null;
  rateLimit?: RateLimit | null;
  /** A rotation's successor keeps the restrictions of the token it replaces, and who set them. */
  inherited?: Pick<CredentialEntity, 'disabledAt' | 'disabledBy' | 'rateLimitSetBy'>;
}

/**
 * The lifecycle of every stored credential kind, written once: mint within the permission
 * ceiling, list by state, change, disable, rotate (with an overlap), revoke with a reason. Every
 * change is told to every instance (their verified-credential caches) and audited here, so the
 * API and the CLI record the same.
 */
@Injectable()
export class CredentialsService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(SigningKeysService) private readonly signingKeys: SigningKeysService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(CredentialVerifier) private readonly verifier: CredentialVerifier,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.signingKeys.registerKeyHolder(() => this.credentials.liveTokensByKid());
    this.users.registerCredentialRevoker((userId, acting) => this.revokeAllOfUser(userId, acting));
  }

  /**
   * A new credential of `kind` for `owner`, within the permission ceiling of `minter`. Of a kind
   * a user holds one of (the account token), any earlier one stops at once.
   */
  async issue(
    kind: CredentialKind,
    owner: PrincipalUser,
    input: IssueInput,
    minter: Minter,
    acting: Acting,
  ): Promise<Issued> {
    const descriptor = DESCRIPTORS[kind];
    if (!descriptor.enabled(this.config)) {
      throw Problems.forbidden(
        `${capitalised(descriptor.label)}s are switched off (${descriptor.switchName}).`,
      );
    }
    assertWithinCeiling(
      minter,
      owner,
      input.scopes ? { requested: input.scopes } : { everything: true },
    );
    const actorId = descriptor.jwtKind ? this.impersonatorOf(owner, acting) : undefined;
    const now = this.clock.now();
    const asked = kind === 'personal_access_token' ? this.checkedExpiry(input.expiresAt) : null;
    const expiry = lifetimeWithinCeiling(
      minter,
      descriptor.lifetime({ userId: owner.id, expiresAt: asked, now }, this.config),
    );
    const minted = await descriptor.mint(
      {
        userId: owner.id,
        expiresAt: expiry === null ? null : new Date(expiry),
        now,
        ...(actorId ? { actorId } : {}),
      },
      this.jwt,
      this.config,
    );
    const row = {
      userId: owner.id,
      kind,
      name: input.name,
      scopes: input.scopes,
      lookup: minted.lookup,
      kid: minted.kid ?? null,
      expiresAt: minted.expiresAt,
      secretHash: minted.secretHash ?? null,
      rateLimitRequests: input.rateLimit?.requests ?? null,
      rateLimitPerSeconds: input.rateLimit?.perSeconds ?? null,
      rateLimitSetBy: input.rateLimit ? authorityOf(acting, owner.id) : null,
      ...input.inherited,
    };
    let entity: CredentialEntity;
    let replaced: CredentialEntity | null = null;
    if (descriptor.onePerUser) {
      ({ created: entity, revoked: replaced } = await this.credentials.replaceAccountToken(row));
      if (replaced) await this.feed.publish(CREDENTIAL_TOPIC, replaced.id);
    } else {
      if (kind === 'opaque_token') await this.credentials.deleteExpiredOpaqueTokens(owner.id);
      await this.assertBelowCap(kind, owner.id);
      entity = await this.credentials.insert(row);
    }
    await this.audit.record(descriptor.audit.created, {
      ...acting,
      subject: { id: owner.id, login: owner.login },
      details: {
        kind,
        id: entity.id,
        ...(kind === 'api_key' ? { apiKey: entity.lookup } : {}),
        ...(entity.name ? { name: entity.name } : {}),
        ...(entity.scopes ? { scopes: entity.scopes } : {}),
        expiresAt: entity.expiresAt?.toISOString() ?? null,
        ...(descriptor.onePerUser ? { replaced: replaced !== null } : {}),
        ...(actorId ? { act: { sub: actorId } } : {}),
      },
    });
    return { entity, secret: minted.secret };
  }

  /** One page of the user's credentials of `kind` in `state`, newest first, and their total. */
  async list(
    userId: string,
    kind: CredentialKind,
    { state, page, pageSize }: CredentialListQuery,
  ): Promise<{ items: CredentialView[]; total: number }> {
    const owner = await this.users.findById(userId);
    const userDisabledAt = owner?.disabledAt ?? null;
    // A disabled user's credentials all stop: none is active, all are inactive.
    if (userDisabledAt && state === 'active') return { items: [], total: 0 };
    const [stored, total] = await this.credentials.listPage(
      userId,
      kind,
      userDisabledAt ? 'all' : state,
      { page, pageSize },
    );
    return { items: stored.map((entity) => this.view(entity, userDisabledAt)), total };
  }

  /** One of the user's credentials of `kind`, whatever its state (404 when there is none). */
  async get(userId: string, kind: CredentialKind, id: string): Promise<CredentialView> {
    const entity = await this.credentials.findOfUser(userId, [kind], id);
    if (!entity) throw this.notFound(kind);
    const owner = await this.users.findById(userId);
    return this.view(entity, owner?.disabledAt ?? null);
  }

  /** One page of every user's credentials matching the filter, newest first. */
  async inventory(
    filter: CredentialInventoryFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: OwnedView[]; total: number }> {
    const { rows, total } = await this.credentials.search(filter, page, pageSize);
    return { items: rows.map((row) => this.ownedView(row)), total };
  }

  /** Every matching credential, newest first, in batches (exports). */
  async *inventoryBatches(filter: CredentialInventoryFilter): AsyncGenerator<OwnedView[]> {
    for await (const rows of this.credentials.searchAll(filter)) {
      yield rows.map((row) => this.ownedView(row));
    }
  }

  /** Credentials that work now, per kind, for the admin overview. */
  liveCounts(): Promise<LiveCounts[]> {
    return this.credentials.liveCounts();
  }

  /**
   * Disables or revokes each credential (of any user and kind), one audit event each; a
   * credential that is not live, or already disabled, is left unchanged.
   */
  async bulk(
    { action, ids }: CredentialBulkInput,
    acting: Acting,
  ): Promise<{ id: string; status: BulkStatus }[]> {
    const results: { id: string; status: BulkStatus }[] = [];
    for (const id of ids) {
      const credential = await this.credentials.findById(CREDENTIAL_KINDS, id);
      const status: BulkStatus = !credential
        ? 'not_found'
        : action === 'revoke'
          ? await this.revokeIfLive(credential, acting)
          : await this.disableIfLive(credential, acting);
      results.push({ id, status });
    }
    return results;
  }

  /** The ids of every credential of `kind` the user has held (usage spans regenerations). */
  idsOfUser(userId: string, kind: CredentialKind): Promise<string[]> {
    return this.credentials.idsOfUser(userId, kind);
  }

  /** A credential of `kind` by id, in any state, of any user (404 when there is none). */
  async find(kind: CredentialKind, id: string): Promise<CredentialEntity> {
    const credential = await this.credentials.findById([kind], id);
    if (!credential) throw this.notFound(kind);
    return credential;
  }

  /** A live credential of any user (404 when there is none). */
  async findLive(kind: CredentialKind, id: string): Promise<CredentialEntity> {
    const credential = await this.credentials.findLiveById([kind], id);
    if (!credential) throw this.notFound(kind);
    return credential;
  }

  /** The user's one live credential of a one-per-user kind (the account token), or null. */
  async current(userId: string, kind: CredentialKind): Promise<CredentialEntity | null> {
    const [[live]] = await this.credentials.listPage(userId, kind, 'active', {
      page: 1,
      pageSize: 1,
    });
    return live ?? null;
  }

  /**
   * Renames, disables or enables, or sets the rate limit of a live credential. Enabling one
   * brings its permissions back, so it is for a credential holding all of them (as renewal is).
   * A restriction an admin put on it (disabled, a rate limit) is lifted or changed by an admin
   * only: its owner gets 403 restricted_by_admin. Setting the limit it already has is no change.
   */
  async update(
    userId: string,
    kind: CredentialKind,
    id: string,
    changes: UpdateCredentialInput,
    minter: Minter,
    acting: Acting,
  ): Promise<CredentialView> {
    const current = await this.live(userId, kind, id);
    const authority = authorityOf(acting, current.userId);
    if (changes.disabled === false && current.disabledAt !== null) {
      if (current.disabledBy === 'admin' && authority === 'owner') {
        throw Problems.restrictedByAdmin(
          'An admin disabled this credential: only an admin may enable it again.',
        );
      }
      const owner = await this.owner(current.userId, kind);
      assertWithinCeiling(minter, owner, { kept: current.scopes ?? [] });
    }
    const sameLimit =
      changes.rateLimit === undefined || sameRateLimit(rateLimitOf(current), changes.rateLimit);
    if (!sameLimit && current.rateLimitSetBy === 'admin' && authority === 'owner') {
      throw Problems.restrictedByAdmin(
        'An admin set this rate limit: only an admin may change or remove it.',
      );
    }
    const updated = await this.credentials.update(current.id, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.disabled !== undefined
        ? changes.disabled
          ? {
              disabledAt: current.disabledAt ?? this.clock.date(),
              disabledBy: current.disabledBy === 'admin' ? 'admin' : authority,
            }
          : { disabledAt: null, disabledBy: null }
        : {}),
      ...(changes.rateLimit !== undefined
        ? {
            rateLimitRequests: changes.rateLimit?.requests ?? null,
            rateLimitPerSeconds: changes.rateLimit?.perSeconds ?? null,
            rateLimitSetBy:
              changes.rateLimit === null
                ? null
                : sameLimit && current.rateLimitSetBy === 'admin'
                  ? 'admin'
                  : authority,
          }
        : {}),
    });
    if (!updated) throw this.notFound(kind);
    await this.feed.publish(CREDENTIAL_TOPIC, updated.id);
    await this.audit.record(DESCRIPTORS[kind].audit.updated, {
      ...acting,
      subject: await this.users.findById(updated.userId),
      details: { kind, id: updated.id, name: updated.name, ...changes },
    });
    return this.view(updated, null);
  }

  /**
   * A new PAT with the same name, scopes and rate limit (and, unless `expiresAt` is given, the
   * same lifetime from now); the old one stops at once or after `overlapSeconds`. A disabled
   * token's successor is disabled too, and the restrictions keep who set them: rotating is no way
   * around an admin's.
   */
  async rotate(
    userId: string,
    id: string,
    input: { expiresAt?: string | null | undefined; overlapSeconds: number },
    minter: Minter,
    acting: Acting,
  ): Promise<Issued> {
    const old = await this.live(userId, 'personal_access_token', id);
    if (old.revokedAt !== null) {
      throw Problems.conflict('This token was already rotated: rotate its successor instead.');
    }
    if (old.expiresAt !== null && old.expiresAt.getTime() <= this.clock.now()) {
      throw Problems.conflict('This token has expired: create a new one instead.');
    }
    const owner = await this.owner(old.userId, 'personal_access_token');
    assertWithinCeiling(minter, owner, { kept: old.scopes ?? [] });
    const lifetime =
      old.expiresAt === null ? null : old.expiresAt.getTime() - old.createdAt.getTime();
    const expiresAt =
      input.expiresAt !== undefined
        ? input.expiresAt
        : lifetime === null
          ? null
          : new Date(this.clock.now() + lifetime).toISOString();
    const issued = await this.issue(
      'personal_access_token',
      owner,
      {
        name: old.name,
        scopes: old.scopes,
        expiresAt: expiresAt === null ? null : new Date(expiresAt),
        rateLimit: rateLimitOf(old),
        inherited: {
          disabledAt: old.disabledAt,
          disabledBy: old.disabledBy,
          rateLimitSetBy: old.rateLimitSetBy,
        },
      },
      minter,
      acting,
    );
    await this.stop({ id: old.id }, 'rotated', null, input.overlapSeconds);
    await this.audit.record('token.rotated', {
      ...acting,
      subject: owner,
      details: {
        kind: 'personal_access_token',
        id: old.id,
        replacedBy: issued.entity.id,
        name: old.name,
        overlapSeconds: input.overlapSeconds,
      },
    });
    return issued;
  }

  /**
   * A new secret for an API key; the old one keeps working for `overlapSeconds` (tokens exchanged
   * with it too), then stops. Whoever renews it must hold every permission the key has.
   */
  async rotateSecret(
    id: string,
    overlapSeconds: number,
    minter: Minter,
    acting: Acting,
  ): Promise<{ apiKey: string; apiSecret: string }> {
    const key = await this.credentials.findLiveById(['api_key'], id);
    if (!key) throw this.notFound('api_key');
    const owner = await this.owner(key.userId, 'api_key');
    assertWithinCeiling(minter, owner, { kept: key.scopes ?? [] });
    lifetimeWithinCeiling(minter, { never: 'An API key secret' });
    const { secret, secretHash } = await DESCRIPTORS.api_key.mint(
      { userId: key.userId, expiresAt: null, now: this.clock.now() },
      this.jwt,
      this.config,
    );
    if (!(await this.credentials.rotateSecret(id, secretHash as Buffer, overlapSeconds))) {
      throw this.notFound('api_key');
    }
    await this.feed.publish(CREDENTIAL_TOPIC, key.id);
    await this.audit.record('api_key.secret_rotated', {
      ...acting,
      subject: owner,
      details: { id: key.id, apiKey: key.lookup, name: key.name, overlapSeconds },
    });
    return { apiKey: key.lookup, apiSecret: secret };
  }

  /** 409 when the user already holds as many live credentials of `kind` as allowed. */
  private async assertBelowCap(kind: CredentialKind, userId: string): Promise<void> {
    const caps: Partial<Record<CredentialKind, [number, string]>> = {
      personal_access_token: [this.config.MAX_PATS_PER_USER, 'MAX_PATS_PER_USER'],
      opaque_token: [this.config.MAX_OPAQUE_TOKENS_PER_USER, 'MAX_OPAQUE_TOKENS_PER_USER'],
    };
    const cap = caps[kind];
    if (!cap) return;
    const [most, name] = cap;
    if ((await this.credentials.countLive(userId, kind)) < most) return;
    throw Problems.conflict(
      `This account already holds ${most} live ${DESCRIPTORS[kind].label}s (${name}): revoke one first.`,
    );
  }

  /** Revokes one of the user's live credentials of these kinds (404 when there is none). */
  async revokeOfUser(userId: string, kind: CredentialKind, id: string, acting: Acting) {
    const credential = await this.live(userId, kind, id);
    await this.stop({ id: credential.id }, 'revoked', acting);
  }

  /** Revokes a live credential of any user by id; false when there was none. */
  async revokeById(kinds: CredentialKind[], id: string, acting: Acting): Promise<boolean> {
    const credential = await this.credentials.findLiveById(kinds, id);
    return credential !== null && (await this.stop({ id }, 'revoked', acting)).length > 0;
  }

  /**
   * Revokes every live credential of the user, of every kind (and so the tokens exchanged with
   * its API keys): what a password change or reset offers. Returns how many stopped.
   */
  async revokeAllOfUser(userId: string, acting: Acting): Promise<number> {
    return (await this.stop({ userId }, 'revoked', acting)).length;
  }

  /** Revokes the user's live credentials of a kind (the account token); none is fine. */
  async revokeAllOfKind(userId: string, kind: CredentialKind, acting: Acting): Promise<void> {
    await this.stop({ userId, kind }, 'revoked', acting);
  }

  /**
   * Revokes the stored credential `presented` is (a PAT or account token JWT, an opaque token,
   * an API key pair `key:secret` or an API secret alone), checked as verification checks it.
   * False when it is none of these, or not live.
   */
  async revokePresented(
    presented: string,
    reason: 'revoked' | 'leaked',
    acting: Acting,
  ): Promise<boolean> {
    const context = acting.context;
    // A wrong API secret is a guess, counted and audited as at the other doors (a leak report is
    // limited per IP as a whole instead, and always answered alike).
    const credential =
      splitKeyAndSecret(presented) && context && reason === 'revoked'
        ? await this.verifier.counted('api_key', presented, context, 'revoke', (row) =>
            Promise.resolve(row),
          )
        : await this.findPresented(presented);
    if (!credential) return false;
    return (await this.stop({ id: credential.id }, reason, acting)).length > 0;
  }

  /**
   * Which of these strings (opaque tokens, API key pairs, API secrets alone) are live stored
   * credentials, found with one query for all of them: a leak report of 1,000 made-up strings
   * costs one lookup, and only what is found is then revoked one by one.
   */
  async storedAmong(presented: string[]): Promise<string[]> {
    const secretHashes = new Map<string, Buffer>();
    const lookups = new Map<string, { kind: 'api_key' | 'opaque_token'; lookup: string }>();
    for (const candidate of presented) {
      if (isWellFormedToken(candidate, TOKEN_PREFIXES.apiSecret)) {
        secretHashes.set(candidate, hashToken(candidate));
        continue;
      }
      for (const kind of ['api_key', 'opaque_token'] as const) {
        const lookup = DESCRIPTORS[kind].secretCheck?.lookupOf(candidate);
        if (lookup) lookups.set(candidate, { kind, lookup });
      }
    }
    const rows = await this.credentials.findLiveAmong(
      [...lookups.values()],
      [...secretHashes.values()],
    );
    const now = this.clock.now();
    return presented.filter((candidate) => {
      const hash = secretHashes.get(candidate);
      if (hash) {
        return rows.some(
          (row) => row.secretHash?.equals(hash) || row.previousSecretHash?.equals(hash),
        );
      }
      const probe = lookups.get(candidate);
      const row = probe && rows.find((r) => r.kind === probe.kind && r.lookup === probe.lookup);
      return !!row && DESCRIPTORS[row.kind].secretCheck?.matches(candidate, row, now) != null;
    });
  }

  private async findPresented(presented: string): Promise<CredentialEntity | null> {
    const jwtDescriptor = descriptorOfJwt(this.jwt.peekKind(presented) ?? '');
    if (jwtDescriptor?.jwtKind) {
      // Not ours or not valid: nothing to revoke. An outage is no answer, and goes up as 503.
      const verified = await this.jwt
        .verify(presented, jwtDescriptor.jwtKind)
        .catch((error: unknown) => {
          if (error instanceof InvalidJwt) return null;
          throw error;
        });
      if (!verified) return null;
      const row = await this.credentials.findLive(jwtDescriptor.kind, verified.jti);
      return row?.userId === verified.sub ? row : null;
    }
    if (isWellFormedToken(presented, TOKEN_PREFIXES.apiSecret)) {
      return this.credentials.findLiveBySecretHash(hashToken(presented));
    }
    for (const kind of ['api_key', 'opaque_token'] as const) {
      const { found, match } = await this.verifier.match(kind, presented);
      if (found && match) return found;
    }
    return null;
  }

  /**
   * Stops live credentials (at once, or after an overlap), tells every instance, and audits each
   * for its owner: `credential.leaked` for a reported leak, the kind's revoke event otherwise.
   * No audit for a rotation's old token: `token.rotated` says it.
   */
  private async stop(
    where: Parameters<CredentialsRepository['revoke']>[0],
    reason: StoredRevokedReason,
    acting: Acting | null,
    afterSeconds = 0,
  ): Promise<CredentialEntity[]> {
    const stopped = await this.credentials.revoke(where, reason, afterSeconds);
    for (const credential of stopped) {
      await this.feed.publish(CREDENTIAL_TOPIC, credential.id);
      if (!acting) continue;
      const descriptor = DESCRIPTORS[credential.kind];
      await this.audit.record(
        reason === 'leaked' ? 'credential.leaked' : descriptor.audit.revoked,
        {
          ...acting,
          subject: await this.users.findById(credential.userId),
          details: {
            kind: credential.kind,
            id: credential.id,
            ...(credential.name ? { name: credential.name } : {}),
            ...(credential.kind === 'api_key' ? { apiKey: credential.lookup } : {}),
          },
        },
      );
    }
    return stopped;
  }

  /**
   * The admin who mints a token of another user and is handed it (an account token, a rotated
   * PAT), or mints one through such a token: the token carries them as `act`, so whatever is done
   * with it is audited as theirs. Another admin's token is never handed to an admin (403): an
   * admin could otherwise act as a peer and be recorded as one.
   */
  private impersonatorOf(owner: PrincipalUser, acting: Acting): string | undefined {
    const { actor } = acting;
    if (!actor?.id || actor.id === owner.id) return undefined;
    if (owner.roles.includes('admin')) {
      throw Problems.forbidden(
        "An admin's token is minted or rotated only by that admin, never by another admin.",
      );
    }
    return actor.id;
  }

  private async revokeIfLive(credential: CredentialEntity, acting: Acting): Promise<BulkStatus> {
    if (!this.works(credential)) return 'unchanged';
    const stopped = await this.stop({ id: credential.id }, 'revoked', acting);
    return stopped.length > 0 ? 'revoked' : 'unchanged';
  }

  private async disableIfLive(credential: CredentialEntity, acting: Acting): Promise<BulkStatus> {
    if (!this.works(credential) || credential.disabledAt !== null) return 'unchanged';
    // The inventory is an admin's: only an admin lifts what it disables.
    const updated = await this.credentials.update(credential.id, {
      disabledAt: this.clock.date(),
      disabledBy: 'admin',
    });
    if (!updated) return 'unchanged';
    await this.feed.publish(CREDENTIAL_TOPIC, updated.id);
    await this.audit.record(DESCRIPTORS[updated.kind].audit.updated, {
      ...acting,
      subject: await this.users.findById(updated.userId),
      details: { kind: updated.kind, id: updated.id, name: updated.name, disabled: true },
    });
    return 'disabled';
  }

  /** Not revoked (or still in a rotation's overlap) and not expired. */
  private works(credential: CredentialEntity): boolean {
    const now = this.clock.now();
    return (
      (credential.revokedAt === null || credential.revokedAt.getTime() > now) &&
      (credential.expiresAt === null || credential.expiresAt.getTime() > now)
    );
  }

  private ownedView({ entity, ownerLogin, ownerDisabledAt }: OwnedCredential): OwnedView {
    return { ...this.view(entity, ownerDisabledAt), ownerLogin };
  }

  private async live(userId: string, kind: CredentialKind, id: string): Promise<CredentialEntity> {
    const credential = await this.credentials.findOfUser(userId, [kind], id);
    const live = credential?.revokedAt === null || (credential?.revokedAt ?? 0) > this.clock.date();
    if (!credential || !live) throw this.notFound(kind);
    return credential;
  }

  private async owner(userId: string, kind: CredentialKind): Promise<PrincipalUser> {
    const owner = await this.users.findById(userId);
    if (!owner) throw this.notFound(kind);
    return { id: owner.id, login: owner.login, roles: owner.roles };
  }

  private view(entity: CredentialEntity, userDisabledAt: Date | null): CredentialView {
    const now = this.clock.now();
    const expired = entity.expiresAt !== null && entity.expiresAt.getTime() <= now;
    // A rotated credential still in its overlap shows when it stops (revokedAt in the future).
    const [revokedAt, revokedReason]: [Date | null, RevokedReason | null] = entity.revokedAt
      ? [entity.revokedAt, entity.revokedReason]
      : expired
        ? [entity.expiresAt, 'expired']
        : userDisabledAt
          ? [userDisabledAt, 'user_disabled']
          : [null, null];
    return { entity, disabled: entity.disabledAt !== null, revokedAt, revokedReason };
  }

  private notFound(kind: CredentialKind) {
    return Problems.notFound(`No ${DESCRIPTORS[kind].label} has this id.`);
  }

  /** The expiry asked for, refused when past or beyond PAT_MAX_LIFETIME_DAYS. */
  private checkedExpiry(expiresAt: Date | null): Date | null {
    const maxDays = this.config.PAT_MAX_LIFETIME_DAYS;
    const refuse = (message: string) =>
      Problems.validation([{ field: 'expiresAt', message }], message);
    if (expiresAt === null) {
      if (maxDays !== undefined) {
        throw refuse(`expiresAt is required: tokens may live at most ${maxDays} days`);
      }
      return null;
    }
    if (expiresAt.getTime() <= this.clock.now()) throw refuse('expiresAt must be in the future');
    if (maxDays !== undefined && expiresAt.getTime() > this.clock.now() + maxDays * DAY_MS) {
      throw refuse(`expiresAt may be at most ${maxDays} days from now`);
    }
    return expiresAt;
  }
}

/**
 * Who acts on a credential, as its restrictions record it: its owner, or an admin (another user,
 * an admin acting through the owner's account token, or the operator at the console).
 */
function authorityOf(acting: Acting, ownerId: string): RestrictionAuthority {
  return acting.actor === null || acting.actor.id !== ownerId ? 'admin' : 'owner';
}

function sameRateLimit(current: RateLimit | null, next: RateLimit | null): boolean {
  return current?.requests === next?.requests && current?.perSeconds === next?.perSeconds;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
