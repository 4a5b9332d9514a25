import { jest } from '@jest/globals';
import { CredentialCache } from './credential-cache.js';

interface User {
  name: string;
}

const options = { ttlMs: 60_000, maxEntries: 2 };
const alice = { name: 'alice' };

describe('CredentialCache', () => {
  it('answers from memory after the first load', async () => {
    const cache = new CredentialCache<User>(() => true, options);
    const load = jest.fn(async () => alice);
    expect(await cache.get('k', load)).toBe(alice);
    expect(await cache.get('k', load)).toBe(alice);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('goes to the loader every time while the change feed is down', async () => {
    const cache = new CredentialCache<User>(() => false, options);
    const load = jest.fn(async () => alice);
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('never keeps what was not found', async () => {
    const cache = new CredentialCache<User>(() => true, options);
    const load = jest.fn(async () => null);
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps what was not found when asked to, until a change clears it', async () => {
    const cache = new CredentialCache<User>(() => true, { ...options, cacheMisses: true });
    const load = jest.fn(async (): Promise<User | null> => null);
    expect(await cache.get('k', load)).toBeNull();
    expect(await cache.get('k', load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    cache.invalidate('k');
    load.mockResolvedValueOnce({ name: 'created' });
    expect(await cache.get('k', load)).toEqual({ name: 'created' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a value loaded while a change arrived', async () => {
    const cache = new CredentialCache<User>(() => true, options);
    let release: (value: User) => void = () => undefined;
    const pending = cache.get('k', () => new Promise((resolve) => (release = resolve)));
    cache.invalidate('other');
    release({ name: 'stale' });
    expect(await pending).toEqual({ name: 'stale' });
    expect(await cache.get('k', async () => ({ name: 'fresh' }))).toEqual({ name: 'fresh' });
  });

  it('forgets the oldest entry when full, and everything on *', async () => {
    const cache = new CredentialCache<User>(() => true, options);
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ({ name: key }));
    expect(cache.size).toBe(2);
    const load = jest.fn(async () => ({ name: 'a2' }));
    expect(await cache.get('a', load)).toEqual({ name: 'a2' });
    cache.invalidate('*');
    expect(cache.size).toBe(0);
  });

  it('makes one load for concurrent misses of one key', async () => {
    const cache = new CredentialCache<User>(() => true, options);
    let release: (value: User) => void = () => undefined;
    const load = jest.fn(() => new Promise<User>((resolve) => (release = resolve)));
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    release(alice);
    expect(await both).toEqual([alice, alice]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps a value no longer than ttlOf says, and not at all when it is already over', async () => {
    const cache = new CredentialCache<User>(() => true, { ...options, ttlOf: () => 0 });
    const load = jest.fn(async () => alice);
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('hands a failed load its error and keeps nothing', async () => {
    const cache = new CredentialCache<User>(() => true, options);
    await expect(cache.get('k', () => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    );
    expect(cache.size).toBe(0);
  });
});
