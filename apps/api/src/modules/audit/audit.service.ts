import { Inject, Injectable } from '@nestjs/common';
import type { AuditEventType, AuditPage, AuditQuery } from '@latchkey/contracts';
import type { RequestContext } from '../../common/auth/request-context.js';
import { toAuditEvent } from './audit.mapper.js';
import { AuditRepository } from './audit.repository.js';

/** A user as named in an audit event; kept by login too, so deleting the user keeps the story. */
export interface AuditParty {
  id: string;
  login: string;
}

export interface AuditRecord {
  actor?: AuditParty | null;
  subject?: AuditParty | null;
  context?: RequestContext | null;
  /** Names and ids only: never a secret, a token or a password. */
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(@Inject(AuditRepository) private readonly events: AuditRepository) {}

  record(type: AuditEventType, { actor, subject, context, details }: AuditRecord): Promise<void> {
    return this.events.insert({
      type,
      actorId: actor?.id ?? null,
      actorLogin: actor?.login ?? null,
      subjectId: subject?.id ?? null,
      subjectLogin: subject?.login ?? null,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      details: details ?? {},
    });
  }

  async page(query: AuditQuery): Promise<AuditPage> {
    const events = await this.events.findPage(query);
    const last = events.at(-1);
    return {
      items: events.map(toAuditEvent),
      nextBefore: events.length === query.limit && last ? last.createdAt.toISOString() : null,
    };
  }
}
