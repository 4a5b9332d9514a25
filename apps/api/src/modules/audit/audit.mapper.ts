import type { AuditEvent } from '@latchkey/contracts';
import type { AuditEventEntity } from './audit-event.entity.js';

export function toAuditEvent(entity: AuditEventEntity): AuditEvent {
  return {
    id: entity.id,
    type: entity.type,
    actorId: entity.actorId,
    actorLogin: entity.actorLogin,
    subjectId: entity.subjectId,
    subjectLogin: entity.subjectLogin,
    ip: entity.ip,
    userAgent: entity.userAgent,
    details: entity.details,
    createdAt: entity.createdAt.toISOString(),
  };
}
