import type { AuthMethod, Me, User } from '@latchkey/contracts';
import type { UserEntity } from './user.entity.js';

export function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    kind: entity.kind,
    login: entity.login,
    email: entity.email,
    displayName: entity.displayName,
    roles: entity.roles,
    mfaEnabled: entity.totpEnabledAt !== null,
    disabled: entity.disabledAt !== null,
    passwordChangeRequired: entity.passwordMustChange,
    lastLoginAt: entity.lastLoginAt?.toISOString() ?? null,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toMe(entity: UserEntity, authMethod: AuthMethod): Me {
  return { ...toUser(entity), authMethod };
}
