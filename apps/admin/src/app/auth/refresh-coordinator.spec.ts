/**
 * @jest-environment node
 */
// Node's own BroadcastChannel connects the two "tabs" below as a browser's does.
import { jest } from '@jest/globals';
import { ApiError } from '@latchkey/api-client';
import type { AccessTokenResponse } from '@latchkey/contracts';
import { type LocksLike, RefreshCoordinator } from './refresh-coordinator';

const USER = {
  id: '0b6f1f9e-4a53-4f8e-9a59-3d1c9f4f7a10',
  kind: 'user' as const,
  login: 'alice',
  email: 'alice@example.com',
  displayName: 'Alice',
  roles: ['user' as const],
  mfaEnabled: false,
  disabled: false,
  passwordChangeRequired: false,
  lastLoginAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function tokenResponse(token: string, expiresIn = 900): AccessTokenResponse {
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, user: USER };
}

const expired = () =>
  new ApiError(401, {
    type: 'urn:latchkey:problem:invalid_token',
    title: 'Unauthorized',
    status: 401,
    detail: 'The refresh token is not valid.',
    code: 'invalid_token',
  });

/** Web Locks semantics for one origin: callbacks under the same name run one at a time. */
function createLocks(): LocksLike {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      const result = previous.then(callback, callback);
      tails.set(
        name,
        result.catch(() => undefined),
      );
      return result;
    },
  };
}

function memoryStore() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RefreshCoordinator', () => {
  const coordinators: RefreshCoordinator[] = [];
  const make = (options: ConstructorParameters<typeof RefreshCoordinator>[0]) => {
    const coordinator = new RefreshCoordinator(options);
    coordinators.push(coordinator);
    return coordinator;
  };
  afterEach(() => {
    for (const coordinator of coordinators.splice(0)) coordinator.dispose();
    jest.useRealTimers();
  });

  it('shares one refresh between every caller that asks at once', async () => {
    let calls = 0;
    const coordinator = make({
      refresh: async () => {
        calls += 1;
        await tick(5);
        return tokenResponse(`token-${calls}`);
      },
    });

    const sessions = await Promise.all([
      coordinator.refresh(),
      coordinator.refresh(),
      coordinator.refresh(),
    ]);

    expect(calls).toBe(1);
    expect(sessions.map((session) => session.accessToken)).toEqual([
      'token-1',
      'token-1',
      'token-1',
    ]);
    expect(coordinator.accessToken).toBe('token-1');
  });

  it('refreshes a minute before the access token expires', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') });
    let calls = 0;
    const coordinator = make({
      refresh: async () => {
        calls += 1;
        return tokenResponse('renewed');
      },
    });
    coordinator.signIn(tokenResponse('first', 900));

    await jest.advanceTimersByTimeAsync(838_000);
    expect(calls).toBe(0);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(1);
    expect(coordinator.accessToken).toBe('renewed');
  });

  it('ends a session the server refuses to refresh as expired, so login can say so', async () => {
    const marker = memoryStore();
    const coordinator = make({ refresh: () => Promise.reject(expired()), marker });
    coordinator.signIn(tokenResponse('first'));

    await expect(coordinator.refresh()).rejects.toBeInstanceOf(ApiError);

    expect(coordinator.getState()).toEqual({ status: 'signed-out', reason: 'expired' });
    expect(coordinator.accessToken).toBeNull();
  });

  it('remembers across a reload that this tab had a session, without keeping the token', async () => {
    const marker = memoryStore();
    make({ refresh: () => Promise.resolve(tokenResponse('first')), marker }).signIn(
      tokenResponse('first'),
    );
    expect(marker.getItem('latchkey.had-session')).toBe('1');

    const reloaded = make({ refresh: () => Promise.reject(expired()), marker });
    await reloaded.restore();
    expect(reloaded.getState()).toEqual({ status: 'signed-out', reason: 'expired' });

    let calls = 0;
    const fresh = make({
      refresh: () => {
        calls += 1;
        return Promise.reject(expired());
      },
      marker: memoryStore(),
    });
    await fresh.restore();
    expect(fresh.getState()).toEqual({ status: 'signed-out', reason: 'none' });
    // A browser that never signed in here has no cookie: no request that could only fail.
    expect(calls).toBe(0);
  });

  it("keeps the server's reason when it refuses a refresh with 403, instead of calling it expired", async () => {
    const detail =
      'This page was opened at http://127.0.0.1:3000, but PUBLIC_URL is http://localhost:3000.';
    const foreignOrigin = new ApiError(403, {
      type: 'urn:latchkey:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail,
      code: 'forbidden',
    });
    const marker = memoryStore();
    make({ refresh: () => Promise.resolve(tokenResponse('first')), marker }).signIn(
      tokenResponse('first'),
    );
    const reloaded = make({ refresh: () => Promise.reject(foreignOrigin), marker });
    await reloaded.restore();
    expect(reloaded.getState()).toEqual({ status: 'signed-out', reason: 'refused', detail });
  });

  it('marks a session whose password an admin reset with "must change"', () => {
    const coordinator = make({ refresh: () => Promise.resolve(tokenResponse('first')) });
    coordinator.signIn({ ...tokenResponse('first'), password_change_required: true });
    const state = coordinator.getState();
    expect(state.status === 'signed-in' && state.session.passwordChangeRequired).toBe(true);
  });

  it('keeps the marker when the first refresh gets no answer, so the next load tries again', async () => {
    const marker = memoryStore();
    make({ refresh: () => Promise.resolve(tokenResponse('first')), marker }).signIn(
      tokenResponse('first'),
    );
    const unloading = make({
      refresh: () => Promise.reject(new TypeError('Failed to fetch')),
      marker,
    });
    await unloading.restore();
    expect(unloading.getState()).toEqual({ status: 'signed-out', reason: 'none' });
    expect(marker.getItem('latchkey.had-session')).toBe('1');
  });

  it('keeps the session through a network failure', async () => {
    const coordinator = make({ refresh: () => Promise.reject(new TypeError('fetch failed')) });
    coordinator.signIn(tokenResponse('first'));

    await expect(coordinator.refresh()).rejects.toThrow('fetch failed');
    expect(coordinator.accessToken).toBe('first');
  });

  it('lets two tabs refresh one after the other, never at once, and share the result', async () => {
    const locks = createLocks();
    let running = 0;
    let overlapped = false;
    let issued = 0;
    const refresh = async () => {
      running += 1;
      overlapped ||= running > 1;
      await tick(10);
      running -= 1;
      issued += 1;
      return tokenResponse(`token-${issued}`);
    };
    const first = make({ refresh, locks, channel: new BroadcastChannel('tabs-a') });
    const second = make({ refresh, locks, channel: new BroadcastChannel('tabs-a') });

    await Promise.all([first.refresh(), second.refresh()]);
    expect(overlapped).toBe(false);

    await first.refresh();
    for (let attempt = 0; attempt < 50 && second.accessToken !== first.accessToken; attempt++)
      await tick(5);
    expect(second.accessToken).toBe(first.accessToken);
  });

  it('logs every tab out when one logs out', async () => {
    const first = make({
      refresh: () => Promise.resolve(tokenResponse('x')),
      channel: new BroadcastChannel('tabs-b'),
    });
    const second = make({
      refresh: () => Promise.resolve(tokenResponse('x')),
      channel: new BroadcastChannel('tabs-b'),
    });
    first.signIn(tokenResponse('shared'));
    for (let attempt = 0; attempt < 50 && second.accessToken !== 'shared'; attempt++) await tick(5);
    expect(second.accessToken).toBe('shared');

    first.signOut('logout');
    for (let attempt = 0; attempt < 50 && second.accessToken; attempt++) await tick(5);
    expect(second.getState()).toEqual({ status: 'signed-out', reason: 'logout' });
  });
});
