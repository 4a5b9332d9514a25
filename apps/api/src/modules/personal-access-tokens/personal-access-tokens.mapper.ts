import type {
  ApiTokenState,
  PersonalAccessToken,
  PersonalAccessTokenCreated,
} from '@latchkey/contracts';
import type { PersonalAccessTokenEntity } from './personal-access-token.entity.js';

export function toPersonalAccessToken(entity: PersonalAccessTokenEntity): PersonalAccessToken {
  return {
    id: entity.id,
    name: entity.name,
    scopes: entity.scopes ?? [],
    expiresAt: entity.expiresAt?.toISOString() ?? null,
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: entity.lastUsedIp,
  };
}

export function toPersonalAccessTokenCreated(
  entity: PersonalAccessTokenEntity,
  token: string,
): PersonalAccessTokenCreated {
  const { id, name, scopes, expiresAt, createdAt } = toPersonalAccessToken(entity);
  return { id, name, scopes, expiresAt, createdAt, token };
}

export function toApiTokenState(entity: PersonalAccessTokenEntity | null): ApiTokenState {
  return {
    enabled: entity !== null,
    createdAt: entity?.createdAt.toISOString() ?? null,
    lastUsedAt: entity?.lastUsedAt?.toISOString() ?? null,
  };
}
