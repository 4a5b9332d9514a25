import { REFRESH_COOKIE } from '@latchkey/contracts';
import type { TestUser } from '../factories/users.js';
import type { TestApp } from './test-app.js';
import type { TestResponse } from './http-client.js';

/** The attributes of one Set-Cookie header, names lower-cased. */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...parts] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const [key = '', ...value] = part.split('=');
    attributes[key.toLowerCase()] = value.length > 0 ? value.join('=') : true;
  }
  return { name: pair.slice(0, equals), value: pair.slice(equals + 1), attributes };
}

/** The lk_refresh cookie a response sets, if any. */
export function refreshCookieOf(res: TestResponse): SetCookie | undefined {
  return res.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => cookie.name === REFRESH_COOKIE);
}

/**
 * What a browser tab of the SPA holds: the access token in memory and the refresh cookie, sent
 * with the page's Origin as browsers do.
 */
export class BrowserSession {
  accessToken = '';
  refreshToken = '';
  /** The password it signed in with, to prove the user again before a sensitive action. */
  password = '';

  constructor(
    private readonly t: TestApp,
    readonly origin = t.config.PUBLIC_URL,
  ) {}

  /** Logs in with the password; fails the test unless a session is issued. */
  async login(user: Pick<TestUser, 'login' | 'password'>): Promise<TestResponse> {
    const res = await this.t.http.post('/api/v1/auth/login', {
      body: { login: user.login, password: user.password },
    });
    this.take(res);
    this.password = user.password;
    return res;
  }

  /** Proves the user again with the password (step-up); fails the test unless it is accepted. */
  async reauthenticate(): Promise<void> {
    const res = await this.t.http.post('/api/v1/auth/reauthenticate', {
      bearer: this.accessToken,
      body: { password: this.password },
    });
    if (res.status !== 200) throw new Error(`re-authentication refused: ${res.status} ${res.text}`);
  }

  async refresh(refreshToken = this.refreshToken): Promise<TestResponse> {
    const res = await this.t.http.post('/api/v1/auth/refresh', {
      headers: { origin: this.origin, cookie: `${REFRESH_COOKIE}=${refreshToken}` },
    });
    this.take(res);
    return res;
  }

  logout(): Promise<TestResponse> {
    return this.t.http.post('/api/v1/auth/logout', {
      headers: { origin: this.origin, cookie: `${REFRESH_COOKIE}=${this.refreshToken}` },
    });
  }

  me(): Promise<TestResponse> {
    return this.t.http.get('/api/v1/users/me', { bearer: this.accessToken });
  }

  /** Keeps the access token and the refresh cookie of a successful response. */
  take(res: TestResponse): void {
    if (res.status !== 200 || !res.body?.access_token) return;
    this.accessToken = res.body.access_token;
    const cookie = refreshCookieOf(res);
    if (cookie?.value) this.refreshToken = cookie.value;
  }
}
