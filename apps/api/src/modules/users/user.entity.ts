import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Role, UserKind } from '@latchkey/contracts';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** A person, or a service account (no password, no browser sign-in). */
  @Column({ type: 'text', default: 'user' })
  kind!: UserKind;

  @Column({ type: 'varchar', length: 64 })
  login!: string;

  /** The login as it is compared (normaliseLogin, RFC 8265 UsernameCaseMapped); unique. */
  @Column({ name: 'login_key', type: 'text', update: false })
  loginKey!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128 })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'password_changed_at', type: 'timestamptz' })
  passwordChangedAt!: Date;

  /** Set by an admin's reset with mustChange: sign-ins may only change the password. */
  @Column({ name: 'password_must_change', type: 'boolean', default: false })
  passwordMustChange!: boolean;

  /** The last interactive sign-in (password, MFA or passkey). */
  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /**
   * The enrolled TOTP secret, sealed (SecretBox purpose 'totp-secret'). Never loaded with a user
   * (`select: false`): only the MFA code reads it, with a query of its own (MfaRepository).
   */
  @Column({ name: 'totp_secret_sealed', type: 'text', nullable: true, select: false })
  totpSecretSealed!: string | null;

  /** A secret from setup that no code has confirmed yet; like the enrolled one, never loaded. */
  @Column({ name: 'totp_pending_secret_sealed', type: 'text', nullable: true, select: false })
  totpPendingSecretSealed!: string | null;

  @Column({ name: 'totp_enabled_at', type: 'timestamptz', nullable: true })
  totpEnabledAt!: Date | null;

  /** The last TOTP time step accepted: a code is good once. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true })
  totpLastStep!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
