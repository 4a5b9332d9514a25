import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One WebAuthn credential of a user: its public key and what the authenticator told us. */
@Entity({ name: 'passkeys' })
export class PasskeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** The credential ID as the browser sends it (base64url). */
  @Column({ name: 'credential_id', type: 'text' })
  credentialId!: string;

  /** COSE-encoded public key. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** The signature counter last seen; it must only grow, unless the authenticator keeps none (0). */
  @Column({
    type: 'bigint',
    transformer: { to: (value: number) => value, from: (value: string) => Number(value) },
  })
  counter!: number;

  @Column({ type: 'text', array: true })
  transports!: string[];

  /** `singleDevice` or `multiDevice` (syncable). */
  @Column({ name: 'device_type', type: 'text' })
  deviceType!: string;

  @Column({ name: 'backed_up', type: 'boolean' })
  backedUp!: boolean;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
