import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Role, Scope } from '@latchkey/contracts';

export const IS_PUBLIC = 'latchkey:public';
export const REQUIRED_SCOPES = 'latchkey:scopes';
export const REQUIRED_ROLES = 'latchkey:roles';
export const INTERACTIVE_ONLY = 'latchkey:interactive';
export const RECENT_AUTH = 'latchkey:recent-auth';

/** Opens a route to callers without credentials. Every other route needs one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The credential must carry every one of these scopes (403 insufficient_scope otherwise). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

export const OTHERS_SCOPES = 'latchkey:others-scopes';

/**
 * A route on a user's credentials that serves the user themself with the scopes of
 * @RequireScopes, and an admin acting on another user's with these instead: the handler then
 * checks whose they are (SelfOrAdminUserId, assertMayActOnCredentialsOf).
 */
export const OnOthersRequireScopes = (...scopes: Scope[]) => SetMetadata(OTHERS_SCOPES, scopes);

/** The user must hold one of these roles (403 forbidden otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/**
 * Only the account holder in person (password or browser session) may do this, never a token:
 * changing one's own profile or password, like GitHub's sudo mode.
 */
export const InteractiveOnly = () => SetMetadata(INTERACTIVE_ONLY, true);

export const ALLOWED_WHILE_PASSWORD_CHANGE = 'latchkey:password-change';

/**
 * Open to a sign-in whose password an admin reset with mustChange: reading who you are and
 * changing the password. Every other route answers 403 until the password is changed.
 */
export const AllowedWhilePasswordChangeRequired = () =>
  SetMetadata(ALLOWED_WHILE_PASSWORD_CHANGE, true);

export const OWN_PAGES_ONLY = 'latchkey:own-pages-only';

/**
 * The route sets or clears the session cookies: it answers only a page of this site, named by
 * Origin (or Referer), so that no other site can sign a browser in or out (login CSRF).
 */
export const OwnPagesOnly = () =>
  applyDecorators(
    SetMetadata(OWN_PAGES_ONLY, true),
    ApiHeader({
      name: 'Origin',
      required: true,
      description: 'A page of this site (PUBLIC_URL or CORS_ORIGINS); without it, Referer',
    }),
  );

export interface RecentAuthOptions {
  /**
   * A body field that carries the current password, which the route checks itself: present, it
   * is the proof in the same request (changing the password, turning TOTP off).
   */
  passwordField?: string;
}

/**
 * Step-up: a sensitive action (adding or removing a factor, changing the password, minting a
 * credential that never expires) needs proof of the user in the same request (Basic
 * login:password, or the route's own password field) or a session re-authenticated within
 * AUTH_REAUTH_MAX_AGE. Otherwise 401 reauthentication_required with the methods that would do.
 */
export const RequireRecentAuth = (options: RecentAuthOptions = {}) =>
  SetMetadata(RECENT_AUTH, options);
