import type { Session } from '@latchkey/contracts';
import type { SessionEntity } from './session.entity.js';

export function toSession(entity: SessionEntity, currentSessionId: string | undefined): Session {
  return {
    id: entity.id,
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: entity.lastUsedAt.toISOString(),
    expiresAt: entity.expiresAt.toISOString(),
    ip: entity.ip,
    userAgent: entity.userAgent,
    signInMethods: entity.signInMethods,
    current: entity.id === currentSessionId,
  };
}
