import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Scope } from '@latchkey/contracts';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The public half (lk_…): never changes, safe to show. */
  @Column({ name: 'api_key', type: 'text' })
  apiKey!: string;

  /** SHA-256 of the secret (lks_…); the secret itself is shown once and never stored. */
  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash!: Buffer;

  /** Raised on every rotation: tokens exchanged with an older secret stop working. */
  @Column({ name: 'secret_version', type: 'integer' })
  secretVersion!: number;

  @Column({ type: 'text', array: true })
  scopes!: Scope[];

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'secret_rotated_at', type: 'timestamptz', nullable: true })
  secretRotatedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'text', nullable: true })
  lastUsedIp!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
