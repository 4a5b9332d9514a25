import { Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { BoundedWorkQueue, WorkQueueFull } from '../../common/limits/work-queue.js';
import { watchPasswordHashQueue } from '../../common/metrics/metrics.js';
import { Problems } from '../../common/problem/problem.exception.js';

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2ID = 2; // Algorithm.Argon2id, a const enum that isolated modules cannot read
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * argon2id runs on libuv's thread pool (4 threads): unbounded, a login flood takes every core
 * from the event loop and token verification waits behind it. At most one hash per core but one
 * runs at once, so a core stays with the event loop.
 */
const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);
/** Hashes that may wait for a slot, per slot; beyond them a password check answers 503 at once. */
const WAITING_PER_SLOT = 16;
const RETRY_AFTER_SECONDS = 1;

@Injectable()
export class PasswordHasher {
  private readonly queue = new BoundedWorkQueue(
    HASH_CONCURRENCY,
    HASH_CONCURRENCY * WAITING_PER_SLOT,
  );

  constructor() {
    watchPasswordHashQueue(() => this.queue.depth);
  }

  /** A hash of nothing anyone knows, verified for unknown logins so they cost as much as known ones. */
  private readonly dummyHash = hash('latchkey-dummy-password', ARGON2_OPTIONS);

  /** Hashes that may be under way or waiting at once; one more is refused. */
  get capacity(): number {
    return this.queue.capacity;
  }

  /**
   * Refuses (503) at once when the queue is full, so a caller can shed a check before the work
   * that leads to it (the user lookup of a login) rather than after.
   */
  assertCapacity(): void {
    if (this.queue.full) throw overloaded();
  }

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, ARGON2_OPTIONS));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.bounded(async () => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    });
  }

  /** Spends the time of one verification and always fails. */
  async verifyNothing(password: string): Promise<false> {
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** Runs argon2 work within the bound; a full queue is 503 `unavailable` with Retry-After. */
  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.queue.run(work);
    } catch (error) {
      throw error instanceof WorkQueueFull ? overloaded() : error;
    }
  }
}

function overloaded(): Error {
  return Problems.unavailable(
    'Too many password checks are under way. Try again shortly.',
    RETRY_AFTER_SECONDS,
  );
}
