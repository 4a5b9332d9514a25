import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { AuditQuery } from '@latchkey/contracts';
import { AuditEventEntity } from './audit-event.entity.js';

export type NewAuditEvent = Omit<AuditEventEntity, 'id' | 'createdAt'>;

@Injectable()
export class AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
  ) {}

  async insert(event: NewAuditEvent): Promise<void> {
    await this.events.insert(event as Parameters<typeof this.events.insert>[0]);
  }

  /** Newest first; `userId` matches the actor or the subject. */
  findPage({ userId, type, before, limit }: AuditQuery): Promise<AuditEventEntity[]> {
    const query = this.events
      .createQueryBuilder('event')
      .orderBy('event.created_at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(limit);
    if (userId) {
      query.andWhere('(event.actor_id = :userId OR event.subject_id = :userId)', { userId });
    }
    if (type) query.andWhere('event.type = :type', { type });
    if (before) query.andWhere('event.created_at < :before', { before: new Date(before) });
    return query.getMany();
  }
}
