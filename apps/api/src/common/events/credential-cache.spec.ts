import { jest } from '@jest/globals';
import { CredentialCache } from './credential-cache.js';

const options = { ttlMs: 60_000, maxEntries: 2 };

describe('CredentialCache', () => {
  it('answers from memory after the first load', async () => {
    const cache = new CredentialCache<string>(() => true, options);
    const load = jest.fn(async () => 'alice');
    expect(await cache.get('k', load)).toBe('alice');
    expect(await cache.get('k', load)).toBe('alice');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('goes to the loader every time while the change feed is down', async () => {
    const cache = new CredentialCache<string>(() => false, options);
    const load = jest.fn(async () => 'alice');
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('never keeps what was not found', async () => {
    const cache = new CredentialCache<string>(() => true, options);
    const load = jest.fn(async () => null);
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps what was not found when asked to, until a change clears it', async () => {
    const cache = new CredentialCache<string>(() => true, { ...options, cacheMisses: true });
    const load = jest.fn(async (): Promise<string | null> => null);
    expect(await cache.get('k', load)).toBeNull();
    expect(await cache.get('k', load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    cache.invalidate('k');
    load.mockResolvedValueOnce('created');
    expect(await cache.get('k', load)).toBe('created');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a value loaded while a change arrived', async () => {
    const cache = new CredentialCache<string>(() => true, options);
    let release: (value: string) => void = () => undefined;
    const pending = cache.get('k', () => new Promise((resolve) => (release = resolve)));
    cache.invalidate('k');
    release('stale');
    expect(await pending).toBe('stale');
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('forgets the oldest entry when full, and everything on *', async () => {
    const cache = new CredentialCache<string>(() => true, options);
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => key);
    expect(cache.size).toBe(2);
    const load = jest.fn(async () => 'a2');
    expect(await cache.get('a', load)).toBe('a2');
    cache.invalidate('*');
    expect(cache.size).toBe(0);
  });
});
