import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

/** Leeway for clocks that drift apart, in seconds: JWT times are checked this loosely. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The time this instance issues and checks credentials by: JWT `iat`/`exp`, TOTP time steps,
 * and the expiry of stored tokens and sessions. CLOCK_OFFSET_MS shifts it, so fault drills
 * (`npm run chaos`) can run instances whose clocks disagree. Checks written in SQL use
 * PostgreSQL's `now()`, which every instance shares; caches and throttles measure durations on
 * the process clock and need no seam.
 */
@Injectable()
export class Clock {
  private readonly offsetMs: number;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'CLOCK_OFFSET_MS'>) {
    this.offsetMs = config.CLOCK_OFFSET_MS;
  }

  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Whole seconds since the epoch, as JWT NumericDate. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  date(): Date {
    return new Date(this.now());
  }
}
