import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { TotpSetup } from '@latchkey/contracts';
import { Clock } from '../../common/clock/clock.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { UsersService } from '../users/users.service.js';
import { MfaRepository } from './mfa.repository.js';

const ISSUER = 'Latchkey';
const PERIOD_SECONDS = 30;
/** One step either side, for phones whose clock is a little off (RFC 6238 §5.2). */
const WINDOW = 1;
const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export type MfaFactor = 'totp' | 'recovery_code';

function totpFor(secretBase32: string, label = ''): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** `xxxxx-xxxxx` from an alphabet without look-alike characters: 50 bits each. */
function newRecoveryCode(): string {
  const chars = [...randomBytes(10)].map(
    (byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length],
  );
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/**
 * TOTP (RFC 6238) enrolment and verification. Secrets are sealed at rest; a code is accepted
 * once (its time step is recorded); recovery codes are kept as keyed MACs and used once.
 */
@Injectable()
export class MfaService {
  constructor(
    @Inject(MfaRepository) private readonly mfa: MfaRepository,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async setup(userId: string, login: string): Promise<TotpSetup> {
    const state = await this.mfa.findState(userId);
    if (!state) throw Problems.notFound('No user has this id.');
    if (state.enabledAt) throw Problems.conflict('TOTP is already enabled; disable it first.');
    const secret = new Secret({ size: 20 }).base32;
    await this.mfa.savePending(userId, this.box.seal(secret, 'totp-secret'));
    return { secret, otpauthUri: totpFor(secret, login).toString() };
  }

  /**
   * Confirms the pending secret with a code from it; returns the recovery codes, shown once, or
   * null when the code is wrong.
   */
  async enable(userId: string, code: string): Promise<string[] | null> {
    const state = await this.mfa.findState(userId);
    if (!state?.pendingSecretSealed || state.enabledAt) {
      throw Problems.conflict(
        'There is no TOTP setup to confirm: start with POST /auth/mfa/totp/setup.',
      );
    }
    const step = this.matchingStep(this.box.open(state.pendingSecretSealed, 'totp-secret'), code);
    if (step === null) return null;
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const macs = codes.map((recovery) =>
      this.box.mac(normalizeRecoveryCode(recovery), 'recovery-code'),
    );
    if (!(await this.mfa.enable(userId, state.pendingSecretSealed, step, macs))) {
      throw Problems.conflict('The TOTP setup changed meanwhile; start again.');
    }
    await this.users.announceChange(userId);
    return codes;
  }

  /** False when the password is wrong. */
  async disableWithPassword(userId: string, password: string): Promise<boolean> {
    if (!(await this.users.checkPassword(userId, password))) return false;
    if (!(await this.disable(userId))) throw Problems.conflict('TOTP is not enabled.');
    return true;
  }

  /** Removes the enrolment (also the admin reset); false when there was none. */
  async disable(userId: string): Promise<boolean> {
    const removed = await this.mfa.disable(userId);
    if (removed) await this.users.announceChange(userId);
    return removed;
  }

  /** Which factor this code proves, spending it; null when it proves nothing. */
  async verify(userId: string, code: string): Promise<MfaFactor | null> {
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      const state = await this.mfa.findState(userId);
      if (!state?.secretSealed || !state.enabledAt) return null;
      const step = this.matchingStep(this.box.open(state.secretSealed, 'totp-secret'), trimmed);
      return step !== null && (await this.mfa.claimStep(userId, step)) ? 'totp' : null;
    }
    const mac = this.box.mac(normalizeRecoveryCode(trimmed), 'recovery-code');
    return (await this.mfa.useRecoveryCode(userId, mac)) ? 'recovery_code' : null;
  }

  /** Spends an mfa_token (by its jti) so that it completes one login only; false if spent. */
  spendToken(jti: string, expiresAt: Date): Promise<boolean> {
    return this.mfa.spendToken(jti, expiresAt);
  }

  isTokenSpent(jti: string): Promise<boolean> {
    return this.mfa.isTokenSpent(jti);
  }

  /** The time step the code belongs to, within the window; null when it matches none. */
  private matchingStep(secretBase32: string, code: string): number | null {
    const now = this.clock.now();
    const delta = totpFor(secretBase32).validate({
      token: code.trim(),
      timestamp: now,
      window: WINDOW,
    });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }
}
