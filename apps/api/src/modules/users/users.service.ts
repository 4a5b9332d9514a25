import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  ChangePasswordInput,
  ListUsersQuery,
  ResetPasswordInput,
  Role,
  UpdateMeInput,
  UpdateUserInput,
  User,
  ValidationIssue,
} from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import type { PrincipalUser } from '../../common/auth/principal.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import { USER_TOPIC } from '../../common/events/topics.js';
import type { CredentialCache } from '../../common/events/credential-cache.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import type { UserEntity } from './user.entity.js';
import { toUser } from './users.mapper.js';
import { UniqueViolation, UsersRepository, type UserChanges } from './users.repository.js';

export interface NewUser {
  login: string;
  email: string;
  displayName?: string;
  password: string;
  roles: Role[];
  /** The first sign-in may only replace the password. */
  mustChange?: boolean;
}

/** A password made for someone and shown once: 144 random bits, 24 characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** What every credential check needs to know about its user, cached in process. */
export interface ActiveUser extends PrincipalUser {
  mfaEnabled: boolean;
  /** An admin's reset asked for a new password: interactive sign-ins may only change it. */
  passwordMustChange: boolean;
  /** What GET /users/me answers (with the credential's method), so it reads no table. */
  profile: User;
}

/** Ends every stored credential of a user; registered by the credentials module. */
export type CredentialRevoker = (userId: string, acting: Acting) => Promise<number>;

@Injectable()
export class UsersService {
  private readonly active: CredentialCache<ActiveUser>;
  private credentialRevoker: CredentialRevoker | null = null;

  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(PasswordPolicy) private readonly policy: PasswordPolicy,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(SessionsService) private readonly sessions: SessionsService,
  ) {
    this.active = feed.cache(USER_TOPIC, { ttlMs: 60_000, maxEntries: 10_000 });
  }

  /**
   * The user behind a token, if it exists and is not disabled: from memory on the hot path, kept
   * current on every instance by the change feed.
   */
  findActive(id: string): Promise<ActiveUser | null> {
    return this.active.get(id, async () => {
      const user = await this.users.findById(id);
      if (!user || user.disabledAt !== null) return null;
      return {
        id: user.id,
        login: user.login,
        roles: user.roles,
        mfaEnabled: user.totpEnabledAt !== null,
        passwordMustChange: user.passwordMustChange,
        profile: toUser(user),
      };
    });
  }

  /**
   * Tells every instance that this user changed (profile, roles, state, password, last sign-in,
   * MFA): each drops its cached ActiveUser, so neither a credential check nor /users/me serves
   * stale data. Every write below ends here.
   */
  announceChange(id: string): Promise<void> {
    return this.feed.publish(USER_TOPIC, id);
  }

  /**
   * The user whose login and password these are, or null. Unknown logins cost one hash
   * verification too, so the answer's timing does not tell which logins exist.
   */
  async verifyPassword(login: string, password: string): Promise<UserEntity | null> {
    // Shed a login flood before its lookup, not only before its hash.
    this.hasher.assertCapacity();
    const user = await this.users.findByLogin(login);
    // A service account never signs in with a password, whatever its stored hash.
    if (!user || user.kind === 'service') {
      return this.hasher.verifyNothing(password).then(() => null);
    }
    const matches = await this.hasher.verify(user.passwordHash, password);
    return matches && user.disabledAt === null ? user : null;
  }

  /** True when this is the user's current password (for steps that ask for it again). */
  async checkPassword(id: string, password: string): Promise<boolean> {
    const user = await this.users.findById(id);
    if (!user) return this.hasher.verifyNothing(password).then(() => false);
    return this.hasher.verify(user.passwordHash, password);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /** By login, whatever its casing (the CLI names users by login). */
  findByLogin(login: string): Promise<UserEntity | null> {
    return this.users.findByLogin(login);
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw Problems.notFound('No user has this id.');
    return user;
  }

  list(query: ListUsersQuery): Promise<[UserEntity[], number]> {
    return this.users.search(query);
  }

  /** Marks an interactive sign-in (password, MFA step or passkey) for the user list. */
  async recordLogin(id: string): Promise<void> {
    await this.write(id, { lastLoginAt: new Date() });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async create(input: NewUser): Promise<UserEntity> {
    this.assertAcceptable(this.policy.check(input.password, 'password', input));
    try {
      return await this.users.insert({
        login: input.login,
        email: input.email,
        displayName: input.displayName ?? input.login,
        roles: [...new Set(input.roles)],
        passwordHash: await this.hasher.hash(input.password),
        passwordMustChange: input.mustChange ?? false,
      });
    } catch (error) {
      throw this.conflictFor(error);
    }
  }

  /**
   * A service account: no password anyone knows (the stored hash is of random bytes never
   * shown, and password sign-in refuses the kind anyway), an address under `.invalid`.
   */
  async createServiceAccount(input: {
    login: string;
    displayName?: string | undefined;
    roles: Role[];
  }): Promise<UserEntity> {
    try {
      return await this.users.insert({
        kind: 'service',
        login: input.login,
        email: `${input.login.toLowerCase()}@service-account.invalid`,
        displayName: input.displayName ?? input.login,
        roles: [...new Set(input.roles)],
        passwordHash: await this.hasher.hash(randomBytes(32).toString('base64url')),
      });
    } catch (error) {
      throw this.conflictFor(error);
    }
  }

  async update(id: string, changes: UpdateUserInput, actorId: string): Promise<UserEntity> {
    const user = await this.get(id);
    const losesAdmin =
      (changes.disabled === true || (changes.roles && !changes.roles.includes('admin'))) &&
      user.roles.includes('admin');
    if (losesAdmin) await this.assertAnotherAdminRemains(user.id, actorId, 'disable or demote');
    const patch: UserChanges = {};
    if (changes.email !== undefined) patch.email = changes.email;
    if (changes.displayName !== undefined) patch.displayName = changes.displayName;
    if (changes.roles !== undefined) patch.roles = [...new Set(changes.roles)];
    if (changes.disabled !== undefined) {
      patch.disabledAt = changes.disabled ? (user.disabledAt ?? new Date()) : null;
    }
    const updated = await this.write(id, patch);
    if (changes.disabled === true) await this.sessions.revokeAllOfUser(id, 'user_disabled');
    return updated;
  }

  updateMe(id: string, changes: UpdateMeInput): Promise<UserEntity> {
    return this.write(id, { ...changes });
  }

  /**
   * The credentials module registers how a user's credentials end (it depends on this module,
   * so this one cannot call it directly), as signing keys learn who holds them.
   */
  registerCredentialRevoker(revoker: CredentialRevoker): void {
    this.credentialRevoker = revoker;
  }

  /**
   * Changes the password when `currentPassword` is right (false, nothing changed, when wrong) and
   * ends every session but the one making the change; with revokeCredentials (the default) every
   * other credential of the user too.
   */
  async changePassword(
    id: string,
    { currentPassword, newPassword, revokeCredentials = true }: ChangePasswordInput,
    acting: Acting,
    keepSessionId?: string,
  ): Promise<boolean> {
    const user = await this.get(id);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) return false;
    this.assertAcceptable(this.policy.check(newPassword, 'newPassword', user));
    await this.write(id, {
      passwordHash: await this.hasher.hash(newPassword),
      passwordChangedAt: new Date(),
      passwordMustChange: false,
    });
    await this.sessions.revokeAllOfUser(id, 'password_changed', keepSessionId);
    if (revokeCredentials) await this.revokeCredentials(id, acting);
    return true;
  }

  /**
   * An admin sets another user's password and ends every session of that user (and, with
   * revokeCredentials, the default, every credential); with mustChange the user's next sign-in
   * may only replace it (Keycloak's temporary password).
   */
  async resetPassword(
    id: string,
    { newPassword, mustChange = false, revokeCredentials = true }: ResetPasswordInput,
    acting: Acting,
  ): Promise<UserEntity> {
    const user = await this.get(id);
    if (user.id === acting.actor?.id) {
      throw Problems.conflict(
        'Change your own password with your current one (POST /users/me/password).',
      );
    }
    if (user.kind === 'service') {
      throw Problems.conflict('A service account has no password: give it an API key or a PAT.');
    }
    this.assertAcceptable(this.policy.check(newPassword, 'newPassword', user));
    await this.write(id, {
      passwordHash: await this.hasher.hash(newPassword),
      passwordChangedAt: new Date(),
      passwordMustChange: mustChange,
    });
    await this.sessions.revokeAllOfUser(id, 'password_reset');
    if (revokeCredentials) await this.revokeCredentials(id, acting);
    return user;
  }

  private async revokeCredentials(userId: string, acting: Acting): Promise<void> {
    if (!this.credentialRevoker) throw new Error('No credential revoker is registered');
    await this.credentialRevoker(userId, acting);
  }

  /** Deletes the user; returns what it was, for the audit log. */
  async remove(id: string, actorId: string): Promise<UserEntity> {
    const user = await this.get(id);
    if (user.roles.includes('admin'))
      await this.assertAnotherAdminRemains(user.id, actorId, 'delete');
    await this.users.delete(id);
    await this.announceChange(id);
    return user;
  }

  /** The one way a user row is changed: the change is announced before the caller goes on. */
  private async write(id: string, patch: UserChanges): Promise<UserEntity> {
    let updated: UserEntity | null;
    try {
      updated = await this.users.update(id, patch);
    } catch (error) {
      throw this.conflictFor(error);
    }
    await this.announceChange(id);
    if (!updated) throw Problems.notFound('No user has this id.');
    return updated;
  }

  private async assertAnotherAdminRemains(
    userId: string,
    actorId: string,
    action: string,
  ): Promise<void> {
    if (userId === actorId) throw Problems.conflict(`You cannot ${action} your own account.`);
    if ((await this.users.countOtherActiveAdmins(userId)) === 0) {
      throw Problems.conflict(`You cannot ${action} the last active admin.`);
    }
  }

  private assertAcceptable(issues: ValidationIssue[]): void {
    if (issues.length > 0) throw Problems.validation(issues, issues[0]?.message);
  }

  private conflictFor(error: unknown): unknown {
    return error instanceof UniqueViolation
      ? Problems.conflict(`This ${error.field} is already taken.`)
      : error;
  }
}
