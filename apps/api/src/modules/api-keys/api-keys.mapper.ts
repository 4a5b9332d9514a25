import type { ApiKey } from '@latchkey/contracts';
import type { ApiKeyEntity } from './api-key.entity.js';

export function toApiKey(entity: ApiKeyEntity): ApiKey {
  return {
    id: entity.id,
    userId: entity.userId,
    name: entity.name,
    apiKey: entity.apiKey,
    scopes: entity.scopes,
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    secretRotatedAt: entity.secretRotatedAt?.toISOString() ?? null,
  };
}
