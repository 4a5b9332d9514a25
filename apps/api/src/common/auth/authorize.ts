import { missingScopes, type AuthMethod, type Role, type Scope } from '@latchkey/contracts';
import { Problems, type ProblemException } from '../problem/problem.exception.js';
import type { Principal } from './principal.js';

export interface RouteRequirements {
  roles: Role[];
  scopes: Scope[];
  /** Scopes that stand in for `scopes` when an admin acts on another user's credentials. */
  othersScopes?: Scope[];
  interactiveOnly: boolean;
  /** Open to a sign-in that must change its password first (reading itself, changing it). */
  allowedWhilePasswordChange?: boolean;
}

/** The person themself, not a token. */
export const INTERACTIVE_METHODS: readonly AuthMethod[] = ['session', 'basic'];

/** Why this principal may not call a route with these requirements, or null when it may. */
export function refusal(
  principal: Principal,
  requirements: RouteRequirements,
): ProblemException | null {
  if (principal.passwordChangeRequired && !requirements.allowedWhilePasswordChange) {
    return Problems.forbidden(
      'An admin reset your password: change it (POST /api/v1/users/me/password) before anything else.',
    );
  }
  if (
    requirements.roles.length > 0 &&
    !requirements.roles.some((role) => principal.user.roles.includes(role))
  ) {
    return Problems.forbidden(`This needs the role ${requirements.roles.join(' or ')}.`);
  }
  const missing = missingScopes(principal.scopes, requirements.scopes);
  if (missing.length > 0 && !mayActOnOthers(principal, requirements.othersScopes ?? [])) {
    return Problems.insufficientScope(missing);
  }
  if (requirements.interactiveOnly && !INTERACTIVE_METHODS.includes(principal.method)) {
    return Problems.forbidden('This needs your password or a browser session, not a token.');
  }
  return null;
}

/** An admin whose credential holds what acting on other users' credentials takes. */
function mayActOnOthers(principal: Principal, othersScopes: Scope[]): boolean {
  return (
    othersScopes.length > 0 &&
    principal.user.roles.includes('admin') &&
    missingScopes(principal.scopes, othersScopes).length === 0
  );
}
