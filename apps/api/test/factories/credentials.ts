import type { Scope } from '@latchkey/contracts';
import type { TestApp } from '../support/test-app.js';
import { ADMIN } from '../support/test-app.js';
import type { TestUser } from './users.js';

/** A PAT of the user's own, made through the API as a client would. */
export async function createPat(
  t: TestApp,
  user: TestUser,
  scopes: Scope[] = ['profile:read', 'tokens:read', 'tokens:write'],
  expiresAt: string | null = null,
): Promise<{ id: string; token: string }> {
  const res = await t.http.post('/api/v1/personal-access-tokens', {
    basic: user.basic,
    body: { name: `pat ${scopes.join(' ')}`, scopes, expiresAt },
  });
  if (res.status !== 201) throw new Error(`PAT not created: ${res.status} ${res.text}`);
  return { id: res.body.id, token: res.body.token };
}

/** An API key + secret for the user, made by the bootstrapped admin. */
export async function createApiKey(
  t: TestApp,
  user: TestUser,
  scopes: Scope[] = ['profile:read', 'tokens:read'],
): Promise<{ id: string; apiKey: string; apiSecret: string }> {
  const res = await t.http.post(`/api/v1/users/${user.id}/api-keys`, {
    basic: ADMIN,
    body: { name: 'ci', scopes },
  });
  if (res.status !== 201) throw new Error(`API key not created: ${res.status} ${res.text}`);
  return { id: res.body.id, apiKey: res.body.apiKey, apiSecret: res.body.apiSecret };
}

export async function createOpaqueToken(t: TestApp, user: TestUser): Promise<string> {
  const res = await t.http.get('/api/v1/auth/token', { basic: user.basic });
  if (res.status !== 200) throw new Error(`opaque token not issued: ${res.status} ${res.text}`);
  return res.body.access_token;
}

export async function exchangeApiKey(
  t: TestApp,
  key: { apiKey: string; apiSecret: string },
): Promise<string> {
  const res = await t.http.post('/api/v1/sessions', {
    body: { type: 'api-key', key: key.apiKey, secret: key.apiSecret },
  });
  if (res.status !== 200) throw new Error(`exchange failed: ${res.status} ${res.text}`);
  return res.body.access_token;
}

export function tokenHeader(key: { apiKey: string; apiSecret: string }): string {
  return `token ${key.apiKey}:${key.apiSecret}`;
}

export function form(fields: Record<string, string>): { rawBody: string; contentType: string } {
  return {
    rawBody: new URLSearchParams(fields).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}
