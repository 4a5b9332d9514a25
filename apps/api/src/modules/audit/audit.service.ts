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
  /** The user whose credential the actor (an admin) acted through; the subject unless named. */
  onBehalfOf?: AuditParty;
}

@Injectable()
export class AuditService {
  constructor(@Inject(AuditRepository) private readonly events: AuditRepository) {}

  record(
    type: AuditEventType,
    { actor, subject, context, details, onBehalfOf }: AuditRecord,
  ): Promise<void> {
    const party = subject ?? onBehalfOf;
    return this.events.insert({
      type,
      actorId: actor?.id ?? null,
      actorLogin: actor?.login ?? null,
      subjectId: party?.id ?? null,
      subjectLogin: party?.login ?? null,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      details: {
        ...details,
        ...(onBehalfOf ? { onBehalfOf: { id: onBehalfOf.id, login: onBehalfOf.login } } : {}),
      },
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
