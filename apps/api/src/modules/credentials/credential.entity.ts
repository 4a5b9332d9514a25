import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CredentialKind, Scope } from '@latchkey/contracts';

/** Every kind of stored credential; each has a descriptor in credential-kinds.ts. */
export { CREDENTIAL_KINDS, type CredentialKind } from '@latchkey/contracts';

/** Who put a restriction (disabled, a rate limit) on a credential: only an admin lifts an admin's. */
export type RestrictionAuthority = 'owner' | 'admin';

/** Reasons stored with a revocation; `expired` and `user_disabled` are read from the state. */
export type StoredRevokedReason = 'revoked' | 'rotated' | 'leaked';

@Entity({ name: 'credentials' })
export class CredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  kind!: CredentialKind;

  @Column({ type: 'text' })
  name!: string;

  /** Null: everything its user's roles allow (the account token, opaque tokens). */
  @Column({ type: 'text', array: true, nullable: true })
  scopes!: Scope[] | null;

  /** How a presented credential finds its row: a JWT's jti, an API key, an opaque token's SHA-256. */
  @Column({ type: 'text' })
  lookup!: string;

  /** SHA-256 of an API key's secret; the secret itself is shown once and never stored. */
  @Column({ name: 'secret_hash', type: 'bytea', nullable: true, select: false })
  secretHash!: Buffer | null;

  /** Raised on every secret rotation: tokens exchanged with an older secret stop working. */
  @Column({ name: 'secret_version', type: 'integer' })
  secretVersion!: number;

  @Column({ name: 'secret_rotated_at', type: 'timestamptz', nullable: true })
  secretRotatedAt!: Date | null;

  /** The secret before the last rotation, accepted until previousSecretExpiresAt. */
  @Column({ name: 'previous_secret_hash', type: 'bytea', nullable: true, select: false })
  previousSecretHash!: Buffer | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** The signing key of a JWT credential: it stays in the JWKS while this credential lives. */
  @Column({ type: 'text', nullable: true })
  kid!: string | null;

  @Column({ name: 'rate_limit_requests', type: 'integer', nullable: true })
  rateLimitRequests!: number | null;

  @Column({ name: 'rate_limit_per_seconds', type: 'integer', nullable: true })
  rateLimitPerSeconds!: number | null;

  @Column({ name: 'rate_limit_set_by', type: 'text', nullable: true })
  rateLimitSetBy!: RestrictionAuthority | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_by', type: 'text', nullable: true })
  disabledBy!: RestrictionAuthority | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'text', nullable: true })
  lastUsedIp!: string | null;

  /** May lie in the future: a rotated credential works until its overlap ends. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: StoredRevokedReason | null;
}
