import type {
  ApiKey,
  ApiTokenState,
  CredentialInventoryItem,
  PersonalAccessToken,
  RateLimit,
} from '@latchkey/contracts';
import type { CredentialEntity } from './credential.entity.js';
import type { CredentialView, OwnedView } from './credentials.service.js';

function iso(date: Date | null): string | null {
  return date?.toISOString() ?? null;
}

export function rateLimitOf(entity: CredentialEntity): RateLimit | null {
  return entity.rateLimitRequests !== null && entity.rateLimitPerSeconds !== null
    ? { requests: entity.rateLimitRequests, perSeconds: entity.rateLimitPerSeconds }
    : null;
}

/** What every credential list item says: use, limit and lifecycle state. */
function common({ entity, disabled, revokedAt, revokedReason }: CredentialView) {
  return {
    id: entity.id,
    name: entity.name,
    scopes: entity.scopes ?? [],
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: iso(entity.lastUsedAt),
    rateLimit: rateLimitOf(entity),
    disabled,
    revokedAt: iso(revokedAt),
    revokedReason,
  };
}

export function toPersonalAccessToken(view: CredentialView): PersonalAccessToken {
  return {
    ...common(view),
    expiresAt: iso(view.entity.expiresAt),
    lastUsedIp: view.entity.lastUsedIp,
  };
}

export function toApiKey(view: CredentialView): ApiKey {
  return {
    ...common(view),
    userId: view.entity.userId,
    apiKey: view.entity.lookup,
    secretRotatedAt: iso(view.entity.secretRotatedAt),
    previousSecretExpiresAt:
      (view.entity.previousSecretExpiresAt?.getTime() ?? 0) > Date.now()
        ? iso(view.entity.previousSecretExpiresAt)
        : null,
  };
}

export function toApiTokenState(entity: CredentialEntity | null): ApiTokenState {
  return {
    enabled: entity !== null,
    createdAt: iso(entity?.createdAt ?? null),
    lastUsedAt: iso(entity?.lastUsedAt ?? null),
  };
}

export function toInventoryItem(view: OwnedView): CredentialInventoryItem {
  const { id, name, scopes, createdAt, lastUsedAt, rateLimit, disabled, revokedAt, revokedReason } =
    common(view);
  return {
    id,
    kind: view.entity.kind,
    name,
    ownerId: view.entity.userId,
    ownerLogin: view.ownerLogin,
    scopes,
    createdAt,
    expiresAt: iso(view.entity.expiresAt),
    lastUsedAt,
    disabled,
    revokedAt,
    revokedReason,
    rateLimit,
  };
}
