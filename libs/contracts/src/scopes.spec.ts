import { effectiveScopes, missingScopes, scopesForRoles, SCOPES } from './scopes.js';

describe('scopes', () => {
  it('gives admins every scope', () => {
    expect(scopesForRoles(['admin'])).toEqual(SCOPES);
  });

  it('keeps user-administration scopes away from plain users', () => {
    const scopes = scopesForRoles(['user']);
    expect(scopes).toContain('tokens:write');
    expect(scopes).not.toContain('users:write');
    expect(scopes).not.toContain('audit:read');
    expect(scopes).not.toContain('admin:credentials');
    expect(scopes).not.toContain('admin:keys');
  });

  it('never lets a credential carry more than its holder', () => {
    expect(effectiveScopes(['user'], ['users:write', 'profile:read'])).toEqual(['profile:read']);
  });

  it('names the required scopes that are not held', () => {
    expect(missingScopes(['profile:read'], ['profile:read', 'tokens:write'])).toEqual([
      'tokens:write',
    ]);
  });
});
