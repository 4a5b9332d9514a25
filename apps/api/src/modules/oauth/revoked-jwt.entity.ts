import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An exchanged JWT revoked before it expired (RFC 7009); forgotten once it has expired. */
@Entity({ name: 'revoked_jwts' })
export class RevokedJwtEntity {
  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', insert: false, update: false })
  revokedAt!: Date;
}
