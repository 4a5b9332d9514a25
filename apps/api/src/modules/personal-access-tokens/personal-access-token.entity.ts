import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Scope } from '@latchkey/contracts';

/** `personal`: a personal access token; `account`: the user's one account API token. */
export type PersonalTokenKind = 'personal' | 'account';

@Entity({ name: 'personal_access_tokens' })
export class PersonalAccessTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  kind!: PersonalTokenKind;

  @Column({ type: 'text' })
  name!: string;

  /** Null for the account token: it may do whatever its user's roles allow. */
  @Column({ type: 'text', array: true, nullable: true })
  scopes!: Scope[] | null;

  @Column({ type: 'text' })
  jti!: string;

  /** The signing key of the JWT: it stays in the JWKS while this token lives. */
  @Column({ type: 'text', nullable: true })
  kid!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'text', nullable: true })
  lastUsedIp!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
