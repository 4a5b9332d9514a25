import { SCOPES, scopesForRoles, type Scope } from '@latchkey/contracts';
import { Problems, type ProblemException } from '../problem/problem.exception.js';
import { assertWithinCeiling, minterOf, OPERATOR, type Minter } from './permission-ceiling.js';
import type { Principal } from './principal.js';

const admin = { login: 'root', roles: ['admin' as const] };
const plain = { login: 'someone', roles: ['user' as const] };
const narrowToken: Minter = { scopes: ['profile:read', 'tokens:write'], interactive: false };
const adminSession: Minter = { scopes: SCOPES, interactive: true };

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
    const accountToken: Minter = { scopes: SCOPES, interactive: false };
    expect(refusal(() => assertWithinCeiling(accountToken, admin, everything))).toEqual({
      status: 403,
      code: 'forbidden',
    });
    expect(assertWithinCeiling(adminSession, plain, everything)).toEqual(scopesForRoles(['user']));
    const plainSession: Minter = { scopes: scopesForRoles(['user']), interactive: true };
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
    expect(OPERATOR).toEqual({ scopes: SCOPES, interactive: true });
  });
});
