import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { UsageBatch, UsageMetric, UsageWriter } from '../../common/usage/last-used-buffer.js';

export interface HourCount {
  hour: Date;
  count: number;
}

export interface CounterRow extends HourCount {
  metric: UsageMetric;
  kind: string;
}

/** The only place that talks to the usage tables (and writes last-used times). */
@Injectable()
export class UsageRepository implements UsageWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One transaction per batch: last-used times, then hourly counts added to what is stored.
   * Counts of a credential deleted meanwhile are dropped (the join), not an error.
   */
  async writeUsage({ lastUses, credentialHours, counters }: UsageBatch): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (lastUses.length > 0) {
        await manager.query(
          `UPDATE credentials AS t
           SET last_used_at = GREATEST(COALESCE(t.last_used_at, u.at), u.at), last_used_ip = u.ip
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS u(id, at, ip)
           WHERE t.id = u.id`,
          [lastUses.map((u) => u.id), lastUses.map((u) => u.at), lastUses.map((u) => u.ip)],
        );
      }
      if (credentialHours.length > 0) {
        await manager.query(
          `INSERT INTO credential_usage (credential_id, hour, count)
           SELECT u.id, u.hour, u.count
           FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[]) AS u(id, hour, count)
           JOIN credentials c ON c.id = u.id
           ON CONFLICT (credential_id, hour)
           DO UPDATE SET count = credential_usage.count + excluded.count`,
          [
            credentialHours.map((h) => h.id),
            credentialHours.map((h) => h.hour),
            credentialHours.map((h) => h.count),
          ],
        );
      }
      if (counters.length > 0) {
        await manager.query(
          `INSERT INTO usage_counters (hour, metric, kind, count)
           SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[])
           ON CONFLICT (hour, metric, kind)
           DO UPDATE SET count = usage_counters.count + excluded.count`,
          [
            counters.map((c) => c.hour),
            counters.map((c) => c.metric),
            counters.map((c) => c.kind),
            counters.map((c) => c.count),
          ],
        );
      }
    });
  }

  async credentialHours(credentialIds: string[], from: Date, to: Date): Promise<HourCount[]> {
    const rows = await this.dataSource.query<{ hour: Date; count: string }[]>(
      `SELECT hour, count FROM credential_usage
       WHERE credential_id = ANY ($1::uuid[]) AND hour >= $2 AND hour < $3`,
      [credentialIds, from, to],
    );
    return rows.map((row) => ({ hour: row.hour, count: Number(row.count) }));
  }

  async counterHours(from: Date, to: Date): Promise<CounterRow[]> {
    const rows = await this.dataSource.query<
      { hour: Date; metric: UsageMetric; kind: string; count: string }[]
    >(`SELECT hour, metric, kind, count FROM usage_counters WHERE hour >= $1 AND hour < $2`, [
      from,
      to,
    ]);
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  /** Deletes aggregates of hours before `before`. */
  async prune(before: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM credential_usage WHERE hour < $1`, [before]);
    await this.dataSource.query(`DELETE FROM usage_counters WHERE hour < $1`, [before]);
  }
}
