import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Role, Scope } from '@latchkey/contracts';

export const IS_PUBLIC = 'latchkey:public';
export const REQUIRED_SCOPES = 'latchkey:scopes';
export const REQUIRED_ROLES = 'latchkey:roles';
export const INTERACTIVE_ONLY = 'latchkey:interactive';

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
