import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Problems } from '../../common/problem/problem.exception.js';

interface Window {
  /** Expiry times (ms) of the failures still counted. */
  failures: number[];
}

/**
 * Counts failed logins per login and per client IP over a sliding window. While either count is
 * at its limit, every attempt (right password or not) gets 429 with Retry-After, so guessing
 * stops; nothing is locked for longer than the window.
 */
@Injectable()
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private lastSweep = Date.now();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Throws 429 when the login or the IP has failed too often lately. */
  assertAllowed(login: string, ip: string): void {
    const now = Date.now();
    const retryAfter = Math.max(
      this.retryAfter(`login:${login.toLowerCase()}`, this.config.AUTH_LOGIN_MAX_FAILURES, now),
      this.retryAfter(`ip:${ip}`, this.config.AUTH_LOGIN_IP_MAX_FAILURES, now),
    );
    if (retryAfter > 0) throw Problems.rateLimited(retryAfter);
  }

  recordFailure(login: string, ip: string): void {
    const now = Date.now();
    const expiresAt = now + this.config.AUTH_LOGIN_FAILURE_WINDOW * 1000;
    for (const key of [`login:${login.toLowerCase()}`, `ip:${ip}`]) {
      const window = this.windows.get(key) ?? { failures: [] };
      window.failures.push(expiresAt);
      this.windows.set(key, window);
    }
    this.sweep(now);
  }

  private retryAfter(key: string, limit: number, now: number): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    window.failures = window.failures.filter((expiresAt) => expiresAt > now);
    if (window.failures.length < limit) return 0;
    const freedAt = window.failures[window.failures.length - limit] ?? now;
    return Math.max(1, Math.ceil((freedAt - now) / 1000));
  }

  /** Forgets windows with nothing left in them, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (window.failures.every((expiresAt) => expiresAt <= now)) this.windows.delete(key);
    }
  }
}
