import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import type { AuditEventType, AuditFilter, AuditQuery } from '@latchkey/contracts';
import { AuditEventEntity } from './audit-event.entity.js';

export type NewAuditEvent = Omit<AuditEventEntity, 'id' | 'createdAt'>;

const EXPORT_BATCH = 1000;

@Injectable()
export class AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
  ) {}

  async insert(event: NewAuditEvent): Promise<void> {
    await this.events.insert(event as Parameters<typeof this.events.insert>[0]);
  }

  /** Newest first; `userId` matches the actor or the subject. */
  findPage({ before, limit, ...filter }: AuditQuery): Promise<AuditEventEntity[]> {
    const query = this.filtered(filter)
      .orderBy('event.created_at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(limit);
    if (before) query.andWhere('event.created_at < :before', { before: new Date(before) });
    return query.getMany();
  }

  /**
   * Every matching event, oldest first, read in batches after a (time, id) cursor: any range
   * streams in bounded memory. The cursor is the time as PostgreSQL writes it, to the microsecond.
   */
  async *findAll(filter: AuditFilter): AsyncGenerator<AuditEventEntity[]> {
    let cursor: { at: string; id: string } | null = null;
    for (;;) {
      const query = this.filtered(filter)
        .addSelect('event.created_at::text', 'cursor_at')
        .orderBy('event.created_at', 'ASC')
        .addOrderBy('event.id', 'ASC')
        .limit(EXPORT_BATCH);
      if (cursor) {
        query.andWhere('(event.created_at, event.id) > (:at::timestamptz, :id::uuid)', cursor);
      }
      const { entities, raw } = await query.getRawAndEntities<{ cursor_at: string }>();
      if (entities.length > 0) yield entities;
      const last = entities.at(-1);
      if (!last || entities.length < EXPORT_BATCH) return;
      cursor = { at: raw.at(-1)?.cursor_at ?? '', id: last.id };
    }
  }

  /** How many events of these types happened since `since`. */
  countSince(types: readonly AuditEventType[], since: Date): Promise<number> {
    return this.events
      .createQueryBuilder('event')
      .where('event.type IN (:...types) AND event.created_at >= :since', { types, since })
      .getCount();
  }

  private filtered({
    userId,
    type,
    from,
    to,
    actorId,
    ip,
  }: AuditFilter): SelectQueryBuilder<AuditEventEntity> {
    const query = this.events.createQueryBuilder('event');
    if (userId) {
      query.andWhere('(event.actor_id = :userId OR event.subject_id = :userId)', { userId });
    }
    if (type) query.andWhere('event.type = :type', { type });
    if (from) query.andWhere('event.created_at >= :from', { from: new Date(from) });
    if (to) query.andWhere('event.created_at < :to', { to: new Date(to) });
    if (actorId) query.andWhere('event.actor_id = :actorId', { actorId });
    if (ip) query.andWhere('event.ip = :ip', { ip });
    return query;
  }
}
