import { SCOPES, scopesForRoles, type Scope } from '@latchkey/contracts';
import { Problems, type ProblemException } from '../problem/problem.exception.js';
import {
  assertWithinCeiling,
  expiryOf,
  lifetimeWithinCeiling,
  minterOf,
  NEVER_EXPIRES_SECONDS,
  OPERATOR,
  type Minter,
} from './permission-ceiling.js';
import type { Principal } from './principal.js';

const admin = { login: 'root', roles: ['admin' as const] };
const plain = { login: 'someone', roles: ['user' as const] };
const forever = { expiresAt: null, recentlyAuthenticated: false };
const narrowToken: Minter = {
  scopes: ['profile:read', 'tokens:write'],
  interactive: false,
  ...forever,
};
const adminSession: Minter = { scopes: SCOPES, interactive: true, ...forever };

function refusal(run: () => unknown): { status: number; code: string } | null {
  try {
    run();
    return null;
  } catch (error) {
    const { status, code } = (error as ProblemException).problem;
    return { status, code };
  }
}

describe('assertWithinCeiling', () => {
  it('lets a credential grant the scopes it holds, and no others', () => {
    expect(assertWithinCeiling(narrowToken, admin, { requested: ['tokens:write'] })).toEqual([
      'tokens:write',
    ]);
    expect(
      refusal(() => assertWithinCeiling(narrowToken, admin, { requested: ['users:read'] })),
    ).toEqual({ status: 400, code: 'validation_failed' });
  });

  it('keeps requested scopes within the roles of the user the credential acts for', () => {
    expect(
      refusal(() => assertWithinCeiling(adminSession, plain, { requested: ['users:read'] })),
    ).toEqual({ status: 400, code: 'validation_failed' });
  });

  it('lets the caller phrase the refusal of requested scopes', () => {
    const refused: Scope[][] = [];
    const refuseRequested = (beyond: Scope[]) => {
      refused.push(beyond);
      return Problems.invalidRequest('invalid_scope');
    };
    expect(
      refusal(() =>
        assertWithinCeiling(narrowToken, admin, { requested: ['audit:read'] }, { refuseRequested }),
      ),
    ).toEqual({ status: 400, code: 'invalid_request' });
    expect(refused).toEqual([['audit:read']]);
  });

  it('mints a credential with every permission only for the person themself', () => {
    const everything = { everything: true } as const;
    const accountToken: Minter = { scopes: SCOPES, interactive: false, ...forever };
    expect(refusal(() => assertWithinCeiling(accountToken, admin, everything))).toEqual({
      status: 403,
      code: 'forbidden',
    });
    expect(assertWithinCeiling(adminSession, plain, everything)).toEqual(scopesForRoles(['user']));
    const plainSession: Minter = {
      scopes: scopesForRoles(['user']),
      interactive: true,
      ...forever,
    };
    expect(refusal(() => assertWithinCeiling(plainSession, admin, everything))).toEqual({
      status: 403,
      code: 'forbidden',
    });
  });

  it('renews a credential only for a minter holding everything it may do', () => {
    expect(
      refusal(() => assertWithinCeiling(narrowToken, admin, { kept: ['users:read'] })),
    ).toEqual({ status: 403, code: 'forbidden' });
    // Scopes the user's roles no longer allow grant nothing, so they do not count.
    expect(
      assertWithinCeiling(narrowToken, plain, { kept: ['tokens:write', 'users:read'] }),
    ).toEqual(['tokens:write']);
  });

  it('treats sessions and passwords as the person, every token as not', () => {
    const principal: Principal = { method: 'session', user: { id: 'u', ...admin }, scopes: SCOPES };
    expect(minterOf(principal).interactive).toBe(true);
    expect(minterOf({ ...principal, method: 'basic' }).interactive).toBe(true);
    for (const method of [
      'personal_access_token',
      'api_token',
      'api_key',
      'exchanged',
      'opaque',
    ] as const) {
      expect(minterOf({ ...principal, method }).interactive).toBe(false);
    }
    expect(OPERATOR).toEqual({
      scopes: SCOPES,
      interactive: true,
      expiresAt: null,
      recentlyAuthenticated: true,
    });
  });
});

describe('lifetimeWithinCeiling', () => {
  const NOW = Date.UTC(2026, 0, 1);
  const HOUR = 3_600_000;
  const expiring = (recentlyAuthenticated = false): Minter => ({
    scopes: SCOPES,
    interactive: false,
    expiresAt: NOW + HOUR,
    recentlyAuthenticated,
  });
  const session: Minter = {
    ...expiring(),
    interactive: true,
    reauthentication: { methods: ['password'], maxAgeSeconds: 300 },
  };

  it.each([
    [
      'a chosen expiry within the minter',
      expiring(),
      { chosen: NOW + HOUR, field: 'e' },
      NOW + HOUR,
    ],
    ['a fixed lifetime within the minter', expiring(), { fixed: NOW + 60_000 }, NOW + 60_000],
    [
      'a fixed lifetime beyond the minter, cut to it',
      expiring(),
      { fixed: NOW + 2 * HOUR },
      NOW + HOUR,
    ],
    [
      'anything from a minter that never expires',
      { ...expiring(), expiresAt: null },
      { chosen: null, field: 'e' },
      null,
    ],
    ['never, from a re-authenticated minter', expiring(true), { never: 'It' }, null],
    [
      'a longer chosen expiry, from a re-authenticated minter',
      expiring(true),
      { chosen: NOW + 9 * HOUR, field: 'e' },
      NOW + 9 * HOUR,
    ],
  ] as const)('allows %s', (_case, minter, lifetime, expected) => {
    expect(lifetimeWithinCeiling(minter, lifetime)).toBe(expected);
  });

  it.each([
    [
      'a chosen expiry beyond a token',
      expiring(),
      { chosen: NOW + HOUR + 1, field: 'expiresAt' },
      400,
      'validation_failed',
    ],
    [
      'never, chosen by a token that expires',
      expiring(),
      { chosen: null, field: 'expiresAt' },
      400,
      'validation_failed',
    ],
    [
      'a kind that never expires, from a token that does',
      expiring(),
      { never: 'An API key' },
      403,
      'forbidden',
    ],
    [
      'never, from a session not re-authenticated',
      session,
      { chosen: null, field: 'expiresAt' },
      401,
      'reauthentication_required',
    ],
    [
      'a kind that never expires, from a session not re-authenticated',
      session,
      { never: 'The account token' },
      401,
      'reauthentication_required',
    ],
  ] as const)('refuses %s', (_case, minter, lifetime, status, code) => {
    expect(refusal(() => lifetimeWithinCeiling(minter, lifetime))).toEqual({ status, code });
  });

  it('reads a JWT that never expires as never, and any other expiry as it is', () => {
    const principal: Principal = {
      method: 'personal_access_token',
      user: { id: 'u', ...admin },
      scopes: SCOPES,
    };
    const issuedAt = NOW;
    expect(
      expiryOf({
        ...principal,
        credential: { issuedAt, expiresAt: issuedAt + NEVER_EXPIRES_SECONDS * 1000 },
      }),
    ).toBeNull();
    expect(expiryOf({ ...principal, credential: { issuedAt, expiresAt: NOW + HOUR } })).toBe(
      NOW + HOUR,
    );
    expect(expiryOf(principal)).toBeNull();
  });
});
