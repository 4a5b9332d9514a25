import { scopesForRoles } from '@latchkey/contracts';
import type { Principal } from './principal.js';
import { refusal, type RouteRequirements } from './authorize.js';

const user = (roles: Principal['user']['roles']): Principal['user'] => ({
  id: 'u1',
  login: 'someone',
  roles,
});
const none: RouteRequirements = { roles: [], scopes: [], interactiveOnly: false };

describe('refusal', () => {
  it('lets a principal with the scopes through', () => {
    const principal: Principal = {
      method: 'basic',
      user: user(['user']),
      scopes: scopesForRoles(['user']),
    };
    expect(refusal(principal, { ...none, scopes: ['profile:read'] })).toBeNull();
  });

  it('refuses a missing role with forbidden', () => {
    const principal: Principal = {
      method: 'basic',
      user: user(['user']),
      scopes: scopesForRoles(['user']),
    };
    expect(refusal(principal, { ...none, roles: ['admin'] })?.problem.code).toBe('forbidden');
  });

  it('refuses a missing scope with insufficient_scope and names it in the challenge', () => {
    const principal: Principal = {
      method: 'personal_access_token',
      user: user(['admin']),
      scopes: ['profile:read'],
    };
    const problem = refusal(principal, { ...none, scopes: ['users:read'] })?.problem;
    expect(problem?.status).toBe(403);
    expect(problem?.code).toBe('insufficient_scope');
    expect(problem?.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="latchkey", error="insufficient_scope", scope="users:read"',
    );
  });

  it('keeps tokens away from interactive-only routes', () => {
    const principal: Principal = {
      method: 'api_key',
      user: user(['user']),
      scopes: scopesForRoles(['user']),
    };
    expect(refusal(principal, { ...none, interactiveOnly: true })?.problem.code).toBe('forbidden');
    expect(
      refusal({ ...principal, method: 'session' }, { ...none, interactiveOnly: true }),
    ).toBeNull();
  });

  it('lets a sign-in that must change its password reach only the routes that allow it', () => {
    const principal: Principal = {
      method: 'session',
      user: user(['admin']),
      scopes: scopesForRoles(['admin']),
      passwordChangeRequired: true,
    };
    expect(refusal(principal, none)?.problem.code).toBe('forbidden');
    expect(refusal(principal, { ...none, roles: ['admin'] })?.problem.detail).toMatch(/change it/);
    expect(refusal(principal, { ...none, allowedWhilePasswordChange: true })).toBeNull();
  });
});
