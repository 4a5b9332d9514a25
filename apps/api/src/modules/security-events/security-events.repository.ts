import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StoredSecurityEvent } from './security-event-tokens.js';

interface EventRow {
  id: string;
  type: string;
  user_id: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
}

const toEvent = (row: EventRow): StoredSecurityEvent => ({
  id: row.id,
  type: row.type,
  userId: row.user_id,
  details: row.details,
  occurredAt: row.occurred_at,
});

/** The only place that talks to the security events outbox (written by database triggers). */
@Injectable()
export class SecurityEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Events after `id`, oldest first. */
  async after(id: bigint, limit: number): Promise<StoredSecurityEvent[]> {
    const rows = await this.dataSource.query<EventRow[]>(
      `SELECT id::text, type, user_id, details, occurred_at FROM security_events
       WHERE id > $1 ORDER BY security_events.id LIMIT $2`,
      [id.toString(), limit],
    );
    return rows.map(toEvent);
  }

  /** The newest event's id (0 when there is none) and the highest id pruned. */
  async positions(): Promise<{ last: bigint; prunedThrough: bigint }> {
    const [row] = await this.dataSource.query<{ last: string; pruned_through: string }[]>(
      `SELECT (SELECT coalesce(max(id), 0) FROM security_events)::text AS last,
              pruned_through::text FROM security_events_horizon`,
    );
    return { last: BigInt(row?.last ?? 0), prunedThrough: BigInt(row?.pruned_through ?? 0) };
  }

  /** Emits an event for each rotation overlap that ended since the last sweep; returns how many. */
  async sweepOverlaps(): Promise<number> {
    const [row] = await this.dataSource.query<{ swept: number }[]>(
      'SELECT security_events_sweep_overlaps() AS swept',
    );
    return row?.swept ?? 0;
  }

  /**
   * Deletes events older than `retentionSeconds` whose subject can no longer be presented, and
   * moves the horizon past them; returns how many went.
   */
  async prune(retentionSeconds: number): Promise<number> {
    const [rows] = (await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM security_events
         WHERE occurred_at < now() - make_interval(secs => $1)
           AND presentable_until IS NOT NULL AND presentable_until < now()
         RETURNING id)
       UPDATE security_events_horizon
         SET pruned_through = greatest(pruned_through, (SELECT coalesce(max(id), 0) FROM gone))
       RETURNING (SELECT count(*) FROM gone)::int AS count`,
      [retentionSeconds],
    )) as [{ count: number }[], number];
    return rows[0]?.count ?? 0;
  }

  /**
   * RFC 8936 receiver state for a user: records `acks`, moves the acknowledged mark over every
   * event acknowledged in a row, and returns the mark and the acknowledgements beyond it.
   * A receiver seen for the first time starts at the newest event; one that acknowledges the
   * resync at `prunedThrough` goes on from there.
   */
  async acknowledge(
    userId: string,
    acks: bigint[],
    prunedThrough: bigint,
  ): Promise<{ through: bigint; acked: bigint[] }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO security_event_receivers (user_id, acked_through)
         VALUES ($1, (SELECT coalesce(max(id), 0) FROM security_events))
         ON CONFLICT (user_id) DO NOTHING`,
        [userId],
      );
      const [receiver] = await manager.query<{ acked_through: string; acked: string[] }[]>(
        `SELECT acked_through::text, acked::text[] FROM security_event_receivers
         WHERE user_id = $1 FOR UPDATE`,
        [userId],
      );
      let through = BigInt(receiver?.acked_through ?? 0);
      const acked = new Set(
        [...(receiver?.acked ?? []).map(BigInt), ...acks].filter((id) => id > through),
      );
      const pending = await manager.query<{ id: string }[]>(
        `SELECT id::text FROM security_events WHERE id > $1 ORDER BY security_events.id LIMIT 10000`,
        [through.toString()],
      );
      if (through < prunedThrough && acked.delete(prunedThrough)) through = prunedThrough;
      for (const { id } of pending) {
        if (!acked.delete(BigInt(id))) break;
        through = BigInt(id);
      }
      const rest = [...acked].filter((id) => id > through).sort((a, b) => (a < b ? -1 : 1));
      await manager.query(
        `UPDATE security_event_receivers SET acked_through = $2, acked = $3::bigint[]
         WHERE user_id = $1`,
        [userId, through.toString(), rest.map(String)],
      );
      return { through, acked: rest };
    });
  }
}
