import { SCOPES, scopesForRoles, type Role, type Scope } from '@latchkey/contracts';
import { Problems, type ProblemException } from '../problem/problem.exception.js';
import { INTERACTIVE_METHODS } from './authorize.js';
import type { Principal } from './principal.js';

/** Who mints a credential, as far as the ceiling is concerned. */
export interface Minter {
  /** What the minting credential may do itself: its user's roles narrowed by its scopes. */
  scopes: readonly Scope[];
  /** The person themself (a browser session or login:password), not a token. */
  interactive: boolean;
}

export function minterOf(principal: Principal): Minter {
  return { scopes: principal.scopes, interactive: INTERACTIVE_METHODS.includes(principal.method) };
}

/** The operator at the server's console (the CLI): whoever runs it holds the database anyway. */
export const OPERATOR: Minter = { scopes: SCOPES, interactive: true };

/** The user a minted credential will act for. */
export interface MintSubject {
  login: string;
  roles: readonly Role[];
}

/** What the new credential would carry. */
export type Grant =
  /** Scopes the caller asks for (a PAT, an API key, `scope` on client_credentials). */
  | { requested: readonly Scope[] }
  /** Scopes an existing credential keeps (a rotated secret or token). */
  | { kept: readonly Scope[] }
  /** Every permission of its user, now and later (the account token, an opaque token). */
  | { everything: true };

export interface CeilingOptions {
  /** How to refuse requested scopes beyond the ceiling (default: 400 validation_failed on `scopes`). */
  refuseRequested?: (beyond: Scope[]) => ProblemException;
}

function refuseRequested(beyond: Scope[]): ProblemException {
  return Problems.validation(
    [{ field: 'scopes', message: `You cannot grant scopes you do not hold: ${beyond.join(', ')}` }],
    'A credential cannot grant more than the credential that creates it, or its user, may do.',
  );
}

/**
 * SPEC's permission ceiling, the one check every minting path calls before it mints: nothing
 * minted may do more than the credential that minted it (its user's roles narrowed by its
 * scopes), nor more than the roles of the user it will act for. A credential that carries every
 * permission of its user is minted only by the person themself, never by another token.
 * Returns the scopes the minted credential may effectively use; throws 400/403 otherwise.
 */
export function assertWithinCeiling(
  minter: Minter,
  subject: MintSubject,
  grant: Grant,
  options: CeilingOptions = {},
): Scope[] {
  const subjectScopes = scopesForRoles(subject.roles);
  const beyondMinter = (scopes: readonly Scope[]) =>
    scopes.filter((scope) => !minter.scopes.includes(scope));

  if ('everything' in grant) {
    if (!minter.interactive) {
      throw Problems.forbidden(
        'A credential with every permission of its user needs your password or a browser session, not a token.',
      );
    }
    if (beyondMinter(subjectScopes).length > 0) {
      throw Problems.forbidden(`${subject.login} may do more than you may.`);
    }
    return subjectScopes;
  }

  if ('kept' in grant) {
    const effective = grant.kept.filter((scope) => subjectScopes.includes(scope));
    const beyond = beyondMinter(effective);
    if (beyond.length > 0) {
      throw Problems.forbidden(
        `This credential may do more than yours: ${beyond.join(', ')}. Only a credential holding those may renew it.`,
      );
    }
    return effective;
  }

  const beyond = grant.requested.filter(
    (scope) => !minter.scopes.includes(scope) || !subjectScopes.includes(scope),
  );
  if (beyond.length > 0) throw (options.refuseRequested ?? refuseRequested)(beyond);
  return SCOPES.filter((scope) => grant.requested.includes(scope));
}
