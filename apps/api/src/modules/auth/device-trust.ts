import { Inject, Injectable } from '@nestjs/common';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normaliseLogin } from '@latchkey/contracts';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { secondFactorKeys, untrustedLoginKeys } from '../../common/limits/failure-keys.js';
import type { FailureKey } from '../../common/limits/failure-limiter.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

export const DEVICE_COOKIE = 'lk_device';
/** Sent to the password and MFA steps of a login only. */
export const DEVICE_COOKIE_PATH = '/api/v1/auth/login';
const MAX_COOKIE_LENGTH = 512;

interface DeviceClaims {
  /** The login (normalised, normaliseLogin) this device has signed in as. */
  l: string;
  /** The device's id: its own failure counter. */
  d: string;
  /** Expiry, in seconds since the epoch. */
  e: number;
}

/**
 * OWASP's device cookies against lock-out as denial of service: a browser that has signed in as
 * a login gets a signed cookie naming that login and a device id. Presenting it, that browser's
 * password attempts for that login, and its codes at the MFA step, are counted per device, so
 * failures of other clients (an attacker's) never lock it out. Any other client is untrusted and limited per login and per IP.
 */
@Injectable()
export class DeviceTrust {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  /** The counters a password attempt for `login` goes to, from this request. */
  failureKeys(request: FastifyRequest, login: string): FailureKey[] {
    const device = this.deviceOf(request, login);
    if (device) return [{ bucket: 'device', id: `${device}:${normaliseLogin(login)}` }];
    return untrustedLoginKeys(login, request.ip);
  }

  /**
   * The counters the MFA step of a password login for `user` goes to: on a device trusted for
   * its login, that device's own (the password step's); anything else per user and per IP. So
   * someone who knows the password cannot lock the owner out of the second step either.
   */
  secondFactorKeys(request: FastifyRequest, user: { id: string; login: string }): FailureKey[] {
    const device = this.deviceOf(request, user.login);
    if (device) return [{ bucket: 'device', id: `${device}:${normaliseLogin(user.login)}` }];
    return secondFactorKeys(user.id, request.ip);
  }

  /** Trusts this browser for `login` from now on (keeping its device id when it had one). */
  issue(request: FastifyRequest, reply: FastifyReply, login: string): void {
    const claims: DeviceClaims = {
      l: normaliseLogin(login),
      d: this.deviceOf(request, login) ?? randomUUID(),
      e: Math.floor(Date.now() / 1000) + this.config.AUTH_DEVICE_COOKIE_TTL,
    };
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    reply.setCookie(DEVICE_COOKIE, `${payload}.${this.box.mac(payload, 'device-cookie')}`, {
      path: DEVICE_COOKIE_PATH,
      httpOnly: true,
      secure: this.config.COOKIE_SECURE,
      sameSite: 'strict',
      maxAge: this.config.AUTH_DEVICE_COOKIE_TTL,
    });
  }

  /** The device id of a valid, unexpired cookie for this login; null for anything else. */
  private deviceOf(request: FastifyRequest, login: string): string | null {
    const cookie = request.cookies[DEVICE_COOKIE];
    if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return null;
    const [payload = '', mac = '', ...rest] = cookie.split('.');
    const expected = Buffer.from(this.box.mac(payload, 'device-cookie'), 'utf8');
    const presented = Buffer.from(mac, 'utf8');
    if (rest.length > 0 || presented.length !== expected.length) return null;
    if (!timingSafeEqual(presented, expected)) return null;
    const claims = parseClaims(payload);
    if (!claims || claims.l !== normaliseLogin(login)) return null;
    return claims.e > Date.now() / 1000 ? claims.d : null;
  }
}

function parseClaims(payload: string): DeviceClaims | null {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof claims !== 'object' || claims === null) return null;
    const { l, d, e } = claims as Record<string, unknown>;
    return typeof l === 'string' && typeof d === 'string' && typeof e === 'number'
      ? { l, d, e }
      : null;
  } catch {
    return null;
  }
}
