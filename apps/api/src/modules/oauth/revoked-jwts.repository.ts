import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The only place that talks to the revoked_jwts table. */
@Injectable()
export class RevokedJwtsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isRevoked(jti: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM revoked_jwts WHERE jti = $1',
      [jti],
    );
    return rows.length > 0;
  }

  /** Records the revocation and forgets those whose tokens have expired since. */
  async revoke(jti: string, expiresAt: Date): Promise<boolean> {
    await this.dataSource.query('DELETE FROM revoked_jwts WHERE expires_at < now()');
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO revoked_jwts (jti, expires_at) VALUES ($1, $2)
       ON CONFLICT (jti) DO NOTHING RETURNING jti`,
      [jti, expiresAt],
    );
    return rows.length > 0;
  }
}
