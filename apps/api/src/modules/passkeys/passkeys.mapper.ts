import type { Passkey } from '@latchkey/contracts';
import type { PasskeyEntity } from './passkey.entity.js';

export function toPasskey(entity: PasskeyEntity): Passkey {
  return {
    id: entity.id,
    name: entity.name,
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    backedUp: entity.backedUp,
  };
}
