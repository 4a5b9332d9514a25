import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { CredentialInventoryFilter, CredentialState } from '@latchkey/contracts';
import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { LiveTokens } from '../signing-keys/signing-keys.service.js';
import {
  CredentialEntity,
  type CredentialKind,
  type RestrictionAuthority,
  type StoredRevokedReason,
} from './credential.entity.js';

export type NewCredential = Pick<
  CredentialEntity,
  'userId' | 'kind' | 'name' | 'scopes' | 'lookup' | 'kid' | 'expiresAt'
> &
  Partial<
    Pick<
      CredentialEntity,
      | 'secretHash'
      | 'rateLimitRequests'
      | 'rateLimitPerSeconds'
      | 'rateLimitSetBy'
      | 'disabledAt'
      | 'disabledBy'
    >
  >;

export type CredentialChanges = Partial<
  Pick<
    CredentialEntity,
    | 'name'
    | 'disabledAt'
    | 'disabledBy'
    | 'rateLimitRequests'
    | 'rateLimitPerSeconds'
    | 'rateLimitSetBy'
  >
>;

/** A row of the inventory: the credential and the owner it is listed with. */
export interface OwnedCredential {
  entity: CredentialEntity;
  ownerLogin: string;
  ownerDisabledAt: Date | null;
}

/** Live credentials per kind, as the admin overview counts them. */
export interface LiveCounts {
  kind: CredentialKind;
  live: number;
  expiringWithin7Days: number;
  neverExpiring: number;
  unusedFor90Days: number;
}

const EXPORT_BATCH = 500;

/** Works now, or until a rotation overlap ends. */
const LIVE = '(c.revoked_at IS NULL OR c.revoked_at > now())';
const UNEXPIRED = '(c.expires_at IS NULL OR c.expires_at > now())';

/** The only place that talks to the credentials table (every kind of stored credential). */
@Injectable()
export class CredentialsRepository {
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(credential: NewCredential): Promise<CredentialEntity> {
    const { identifiers } = await this.credentials.insert(credential);
    return this.credentials.findOneByOrFail({ id: identifiers[0]?.id as string });
  }

  /** A live credential of `kind` by its lookup value, with its secret hashes for the check. */
  findLive(kind: CredentialKind, lookup: string): Promise<CredentialEntity | null> {
    return this.withSecrets()
      .where('c.kind = :kind AND c.lookup = :lookup', { kind, lookup })
      .andWhere(LIVE)
      .getOne();
  }

  /** The live API key whose current (or still overlapping previous) secret has this hash. */
  findLiveBySecretHash(hash: Buffer): Promise<CredentialEntity | null> {
    return this.withSecrets()
      .where(
        `c.secret_hash = :hash OR (c.previous_secret_hash = :hash AND c.previous_secret_expires_at > now())`,
        { hash },
      )
      .andWhere(LIVE)
      .getOne();
  }

  /**
   * The live credentials any of these (kind, lookup) pairs or API secret hashes find, in one
   * query whatever their number (a leak report holds up to 1,000 strings).
   */
  findLiveAmong(
    lookups: { kind: CredentialKind; lookup: string }[],
    secretHashes: Buffer[],
  ): Promise<CredentialEntity[]> {
    if (lookups.length === 0 && secretHashes.length === 0) return Promise.resolve([]);
    return this.withSecrets()
      .where(
        `((c.kind, c.lookup) IN (SELECT * FROM unnest(CAST(:kinds AS text[]), CAST(:lookups AS text[])))
          OR c.secret_hash = ANY(:hashes)
          OR (c.previous_secret_hash = ANY(:hashes) AND c.previous_secret_expires_at > now()))`,
        {
          kinds: lookups.map((probe) => probe.kind),
          lookups: lookups.map((probe) => probe.lookup),
          hashes: secretHashes,
        },
      )
      .andWhere(LIVE)
      .getMany();
  }

  /** How many live, unexpired credentials of `kind` the user holds. */
  countLive(userId: string, kind: CredentialKind): Promise<number> {
    return this.credentials
      .createQueryBuilder('c')
      .where('c.user_id = :userId AND c.kind = :kind', { userId, kind })
      .andWhere(LIVE)
      .andWhere(UNEXPIRED)
      .getCount();
  }

  /** One of the user's credentials of these kinds, whatever its state. */
  findOfUser(
    userId: string,
    kinds: CredentialKind[],
    id: string,
  ): Promise<CredentialEntity | null> {
    return this.credentials
      .createQueryBuilder('c')
      .where('c.id = :id AND c.user_id = :userId AND c.kind IN (:...kinds)', { id, userId, kinds })
      .getOne();
  }

  /** A live credential by id, of any user. */
  findLiveById(kinds: CredentialKind[], id: string): Promise<CredentialEntity | null> {
    return this.credentials
      .createQueryBuilder('c')
      .where('c.id = :id AND c.kind IN (:...kinds)', { id, kinds })
      .andWhere(LIVE)
      .getOne();
  }

  /** A credential of these kinds by id, of any user and in any state. */
  findById(kinds: readonly CredentialKind[], id: string): Promise<CredentialEntity | null> {
    return this.credentials
      .createQueryBuilder('c')
      .where('c.id = :id AND c.kind IN (:...kinds)', { id, kinds })
      .getOne();
  }

  /** The ids of every credential of a kind the user has held, in any state. */
  async idsOfUser(userId: string, kind: CredentialKind): Promise<string[]> {
    const rows = await this.credentials
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.user_id = :userId AND c.kind = :kind', { userId, kind })
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** One page of every user's credentials matching the filter, newest first, and the total. */
  async search(
    filter: CredentialInventoryFilter,
    page: number,
    pageSize: number,
  ): Promise<{ rows: OwnedCredential[]; total: number }> {
    const query = this.inventory(filter)
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize);
    const [{ entities, raw }, total] = await Promise.all([
      query.getRawAndEntities<OwnerColumns>(),
      query.getCount(),
    ]);
    return { rows: withOwners(entities, raw), total };
  }

  /** Every matching credential, newest first, in batches after a (time, id) cursor. */
  async *searchAll(filter: CredentialInventoryFilter): AsyncGenerator<OwnedCredential[]> {
    let cursor: { at: string; id: string } | null = null;
    for (;;) {
      const query = this.inventory(filter)
        .addSelect('c.created_at::text', 'cursor_at')
        .orderBy('c.created_at', 'DESC')
        .addOrderBy('c.id', 'DESC')
        .limit(EXPORT_BATCH);
      if (cursor) query.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', cursor);
      const { entities, raw } = await query.getRawAndEntities<
        OwnerColumns & { cursor_at: string }
      >();
      if (entities.length > 0) yield withOwners(entities, raw);
      const last = entities.at(-1);
      if (!last || entities.length < EXPORT_BATCH) return;
      cursor = { at: raw.at(-1)?.cursor_at ?? '', id: last.id };
    }
  }

  /** Credentials that work now (not revoked, expired or disabled; user enabled), per kind. */
  liveCounts(): Promise<LiveCounts[]> {
    return this.dataSource.query<LiveCounts[]>(
      `SELECT c.kind,
              count(*)::int AS live,
              count(*) FILTER (WHERE c.expires_at <= now() + interval '7 days')::int
                AS "expiringWithin7Days",
              count(*) FILTER (WHERE c.expires_at IS NULL)::int AS "neverExpiring",
              count(*) FILTER (
                WHERE COALESCE(c.last_used_at, c.created_at) < now() - interval '90 days'
              )::int AS "unusedFor90Days"
       FROM credentials c JOIN users u ON u.id = c.user_id
       WHERE ${LIVE} AND ${UNEXPIRED} AND c.disabled_at IS NULL AND u.disabled_at IS NULL
       GROUP BY c.kind`,
    );
  }

  /** One page of the user's credentials of `kind` in `state`, newest first, and how many there are. */
  listPage(
    userId: string,
    kind: CredentialKind,
    state: CredentialState,
    { page, pageSize }: { page: number; pageSize: number },
  ): Promise<[CredentialEntity[], number]> {
    const query = this.credentials
      .createQueryBuilder('c')
      .where('c.user_id = :userId AND c.kind = :kind', { userId, kind })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize);
    if (state === 'active') query.andWhere(`${LIVE} AND ${UNEXPIRED}`);
    if (state === 'inactive') query.andWhere(`NOT (${LIVE} AND ${UNEXPIRED})`);
    return query.getManyAndCount();
  }

  /**
   * Revokes live credentials: at once, or after `afterSeconds` (a rotation's overlap, which never
   * lengthens an earlier one). The rows changed, so their caches can be told.
   */
  async revoke(
    where:
      | { id: string }
      | { lookup: string }
      | { userId: string; kind: CredentialKind }
      | { userId: string },
    reason: StoredRevokedReason,
    afterSeconds = 0,
  ): Promise<CredentialEntity[]> {
    const [condition, parameters] =
      'id' in where
        ? ['id = :id', where]
        : 'lookup' in where
          ? ['lookup = :lookup', where]
          : 'kind' in where
            ? ['user_id = :userId AND kind = :kind', where]
            : ['user_id = :userId', where];
    const result = await this.credentials
      .createQueryBuilder()
      .update()
      .set({
        revokedAt: () =>
          `LEAST(COALESCE(revoked_at, 'infinity'), now() + make_interval(secs => ${Number(afterSeconds)}))`,
        revokedReason: reason,
      })
      .where(condition, parameters)
      .andWhere('(revoked_at IS NULL OR revoked_at > now())')
      .returning('*')
      .execute();
    return (result.raw as Record<string, unknown>[]).map((row) =>
      this.credentials.create(fromRaw(row)),
    );
  }

  /** Changes a live credential; the changed row, or null when it is not live. */
  async update(id: string, changes: CredentialChanges): Promise<CredentialEntity | null> {
    const result = await this.credentials
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('id = :id AND (revoked_at IS NULL OR revoked_at > now())', { id })
      .returning('*')
      .execute();
    const row = (result.raw as Record<string, unknown>[])[0];
    return row ? this.credentials.create(fromRaw(row)) : null;
  }

  /**
   * A new secret for a live API key: the version goes up (its exchanged tokens end), and the old
   * secret keeps working for `overlapSeconds` (none when 0).
   */
  async rotateSecret(id: string, secretHash: Buffer, overlapSeconds: number): Promise<boolean> {
    const overlap = Number(overlapSeconds);
    const result = await this.credentials
      .createQueryBuilder()
      .update()
      .set({
        secretHash,
        secretVersion: () => 'secret_version + 1',
        secretRotatedAt: () => 'now()',
        previousSecretHash: () => (overlap > 0 ? 'secret_hash' : 'NULL'),
        previousSecretExpiresAt: () =>
          overlap > 0 ? `now() + make_interval(secs => ${overlap})` : 'NULL',
      })
      .where("id = :id AND kind = 'api_key' AND (revoked_at IS NULL OR revoked_at > now())", {
        id,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Revokes the user's account token, if any, and stores the next one, in one transaction: the
   * unique index on live account tokens settles two regenerations racing each other.
   */
  async replaceAccountToken(
    next: NewCredential,
  ): Promise<{ created: CredentialEntity; revoked: CredentialEntity | null }> {
    return this.dataSource.transaction(async (manager) => {
      const revoked = await manager
        .createQueryBuilder()
        .update(CredentialEntity)
        .set({ revokedAt: () => 'now()', revokedReason: 'revoked' })
        .where("user_id = :userId AND kind = 'account_token' AND revoked_at IS NULL", {
          userId: next.userId,
        })
        .returning('*')
        .execute();
      const { identifiers } = await manager.insert(CredentialEntity, next);
      const created = await manager.findOneByOrFail(CredentialEntity, {
        id: identifiers[0]?.id as string,
      });
      const [row] = revoked.raw as Record<string, unknown>[];
      return { created, revoked: row ? this.credentials.create(fromRaw(row)) : null };
    });
  }

  /** Per signing key id: the live JWT credentials it signed, which keep it published. */
  async liveTokensByKid(): Promise<Map<string, LiveTokens>> {
    const rows = await this.dataSource.query<
      { kid: string; count: number; without_expiry: number; last_expires_at: Date | null }[]
    >(
      `SELECT kid, count(*)::int AS count,
              count(*) FILTER (WHERE expires_at IS NULL)::int AS without_expiry,
              max(expires_at) AS last_expires_at
       FROM credentials c
       WHERE kid IS NOT NULL AND ${LIVE} AND ${UNEXPIRED}
       GROUP BY kid`,
    );
    return new Map(
      rows.map((row) => [
        row.kid,
        { count: row.count, withoutExpiry: row.without_expiry, lastExpiresAt: row.last_expires_at },
      ]),
    );
  }

  /** Expired opaque tokens are kept a day (for the record), then deleted as new ones come. */
  async deleteExpiredOpaqueTokens(userId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM credentials
       WHERE user_id = $1 AND kind = 'opaque_token' AND expires_at < now() - interval '1 day'`,
      [userId],
    );
  }

  /** Every user's credentials with their owner's login, narrowed by the inventory's filters. */
  private inventory(filter: CredentialInventoryFilter): SelectQueryBuilder<CredentialEntity> {
    const query = this.credentials
      .createQueryBuilder('c')
      .innerJoin('users', 'u', 'u.id = c.user_id')
      .addSelect('u.login', 'owner_login')
      .addSelect('u.disabled_at', 'owner_disabled_at');
    const active = `(${LIVE} AND ${UNEXPIRED} AND u.disabled_at IS NULL)`;
    if (filter.state === 'active') query.andWhere(active);
    if (filter.state === 'inactive') query.andWhere(`NOT ${active}`);
    if (filter.kind) query.andWhere('c.kind = :kind', { kind: filter.kind });
    if (filter.ownerId) query.andWhere('c.user_id = :ownerId', { ownerId: filter.ownerId });
    // Account and opaque tokens carry every permission of their user (no scopes of their own).
    if (filter.scope) {
      query.andWhere('(c.scopes IS NULL OR :scope = ANY (c.scopes))', { scope: filter.scope });
    }
    if (filter.neverExpires !== undefined) {
      query.andWhere(filter.neverExpires ? 'c.expires_at IS NULL' : 'c.expires_at IS NOT NULL');
    }
    if (filter.expiresWithinDays !== undefined) {
      query.andWhere(
        'c.expires_at > now() AND c.expires_at <= now() + make_interval(days => :within)',
        { within: filter.expiresWithinDays },
      );
    }
    if (filter.unusedForDays !== undefined) {
      query.andWhere(
        'COALESCE(c.last_used_at, c.created_at) < now() - make_interval(days => :unused)',
        { unused: filter.unusedForDays },
      );
    }
    if (filter.disabled !== undefined) {
      query.andWhere(filter.disabled ? 'c.disabled_at IS NOT NULL' : 'c.disabled_at IS NULL');
    }
    return query;
  }

  private withSecrets(): SelectQueryBuilder<CredentialEntity> {
    return this.credentials
      .createQueryBuilder('c')
      .addSelect('c.secretHash')
      .addSelect('c.previousSecretHash');
  }
}

interface OwnerColumns {
  owner_login: string;
  owner_disabled_at: Date | null;
}

function withOwners(entities: CredentialEntity[], raw: OwnerColumns[]): OwnedCredential[] {
  return entities.map((entity, index) => ({
    entity,
    ownerLogin: raw[index]?.owner_login ?? '',
    ownerDisabledAt: raw[index]?.owner_disabled_at ?? null,
  }));
}

function fromRaw(row: Record<string, unknown>): Partial<CredentialEntity> {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    kind: row.kind as CredentialKind,
    name: row.name as string,
    scopes: row.scopes as CredentialEntity['scopes'],
    lookup: row.lookup as string,
    secretVersion: row.secret_version as number,
    secretRotatedAt: row.secret_rotated_at as Date | null,
    previousSecretExpiresAt: row.previous_secret_expires_at as Date | null,
    kid: row.kid as string | null,
    rateLimitRequests: row.rate_limit_requests as number | null,
    rateLimitPerSeconds: row.rate_limit_per_seconds as number | null,
    rateLimitSetBy: row.rate_limit_set_by as RestrictionAuthority | null,
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date | null,
    disabledAt: row.disabled_at as Date | null,
    disabledBy: row.disabled_by as RestrictionAuthority | null,
    lastUsedAt: row.last_used_at as Date | null,
    lastUsedIp: row.last_used_ip as string | null,
    revokedAt: row.revoked_at as Date | null,
    revokedReason: row.revoked_reason as StoredRevokedReason | null,
  };
}
