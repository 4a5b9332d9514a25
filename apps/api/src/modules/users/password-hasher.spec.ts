import { ProblemException } from '../../common/problem/problem.exception.js';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hasher = new PasswordHasher();
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$/);
    await expect(hasher.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(stored, 'wrong')).resolves.toBe(false);
    await expect(hasher.verifyNothing('anything')).resolves.toBe(false);
  });

  it('queues a bounded number of checks and refuses the rest with 503 and Retry-After', async () => {
    const hasher = new PasswordHasher();
    // All asked in one tick, before any has finished: the bound alone decides who waits.
    const checks = Array.from({ length: hasher.capacity + 3 }, () =>
      hasher.verify('not-an-argon2-hash', 'password'),
    );
    expect(() => hasher.assertCapacity()).toThrow(ProblemException);
    const results = await Promise.allSettled(checks);
    const answered = results.filter((result) => result.status === 'fulfilled');
    expect(answered).toHaveLength(hasher.capacity);
    expect(answered.every((result) => result.value === false)).toBe(true);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const { reason } of refused) {
      expect(reason).toBeInstanceOf(ProblemException);
      expect((reason as ProblemException).problem).toMatchObject({
        status: 503,
        code: 'unavailable',
        headers: { 'Retry-After': '1' },
      });
    }
    // Drained, it checks again.
    expect(() => hasher.assertCapacity()).not.toThrow();
    await expect(hasher.verify('not-an-argon2-hash', 'password')).resolves.toBe(false);
  });
});
