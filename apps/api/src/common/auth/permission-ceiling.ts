import {
  SCOPES,
  scopesForRoles,
  type ReauthMethod,
  type Role,
  type Scope,
} from '@latchkey/contracts';
import { Problems, type ProblemException } from '../problem/problem.exception.js';
import { INTERACTIVE_METHODS } from './authorize.js';
import type { Principal } from './principal.js';

/** The `exp` distance of JWTs that never expire: every JWT carries one all the same. */
export const NEVER_EXPIRES_SECONDS = 100 * 365 * 86400;

/** Who mints a credential, as far as the ceiling is concerned. */
export interface Minter {
  /** What the minting credential may do itself: its user's roles narrowed by its scopes. */
  scopes: readonly Scope[];
  /** The person themself (a browser session or login:password), not a token. */
  interactive: boolean;
  /** Epoch ms when the minting credential stops by itself; null: never. */
  expiresAt: number | null;
  /**
   * Proved its user in this request (login:password) or recently (a re-authenticated session):
   * what it mints may outlive it.
   */
  recentlyAuthenticated: boolean;
  /** A session that has not: how it could (401 reauthentication_required rather than 400). */
  reauthentication?: { methods: ReauthMethod[]; maxAgeSeconds: number };
}

/** When the principal's credential stops by itself (null: never), as verification found it. */
export function expiryOf(principal: Principal): number | null {
  const { issuedAt, expiresAt } = principal.credential ?? {};
  if (expiresAt === undefined || !Number.isFinite(expiresAt)) return null;
  const neverExpires =
    issuedAt !== undefined && expiresAt - issuedAt >= NEVER_EXPIRES_SECONDS * 1000;
  return neverExpires ? null : expiresAt;
}

/** The minter a principal is; `recentlyAuthenticated` and how to re-authenticate from step-up. */
export function minterOf(
  principal: Principal,
  stepUp: Pick<Minter, 'recentlyAuthenticated' | 'reauthentication'> = {
    recentlyAuthenticated: false,
  },
): Minter {
  return {
    scopes: principal.scopes,
    interactive: INTERACTIVE_METHODS.includes(principal.method),
    expiresAt: expiryOf(principal),
    ...stepUp,
  };
}

/** The operator at the server's console (the CLI): whoever runs it holds the database anyway. */
export const OPERATOR: Minter = {
  scopes: SCOPES,
  interactive: true,
  expiresAt: null,
  recentlyAuthenticated: true,
};

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

/** What the minted credential's lifetime is: chosen by the caller, or fixed by its kind. */
export type Lifetime =
  /** The caller chose it (a PAT's `expiresAt`): beyond the ceiling is refused, on `field`. */
  | { chosen: number | null; field: string }
  /** It never expires, by its kind (the account token, an API key or its secret). */
  | { never: string }
  /** The kind fixes it (an opaque token's TTL): cut to the ceiling, as the caller chose nothing. */
  | { fixed: number };

/**
 * The lifetime half of the permission ceiling: a minted credential expires no later than its
 * minter, unless the minter proved its user in this request or recently (step-up). A lifetime
 * the caller chose is refused beyond it (400 on the field; 401 reauthentication_required for a
 * session, which can lift the ceiling by proving its user again), as GitHub refuses rather than
 * silently shortens; a kind that never expires is refused (403, or 401 for a session); a fixed
 * lifetime is cut to the minter's. Returns the expiry to mint with (epoch ms; null: never).
 */
export function lifetimeWithinCeiling(minter: Minter, lifetime: Lifetime): number | null {
  const wanted =
    'chosen' in lifetime ? lifetime.chosen : 'fixed' in lifetime ? lifetime.fixed : null;
  const ceiling = minter.expiresAt;
  if (minter.recentlyAuthenticated || ceiling === null) return wanted;
  if (wanted !== null && wanted <= ceiling) return wanted;
  if ('fixed' in lifetime) return ceiling;
  const until = new Date(ceiling).toISOString();
  const outlives =
    'never' in lifetime
      ? `${lifetime.never} never expires`
      : wanted === null
        ? 'A credential that never expires'
        : 'A credential that outlives the one creating it';
  if (minter.reauthentication) {
    const { methods, maxAgeSeconds } = minter.reauthentication;
    throw Problems.reauthenticationRequired(
      methods,
      maxAgeSeconds,
      `${outlives}: prove it is you again (POST /api/v1/auth/reauthenticate), or let it expire by ${until}, when this sign-in's token does.`,
    );
  }
  if ('never' in lifetime) {
    throw Problems.forbidden(
      `${outlives}: create it with a credential that never expires, login:password or a recently re-authenticated session, not one that expires at ${until}.`,
    );
  }
  const message = `may be no later than ${until}, when the credential creating it expires`;
  throw Problems.validation(
    [{ field: lifetime.field, message: `${lifetime.field} ${message}` }],
    `${outlives}: ${lifetime.field} ${message}.`,
  );
}
