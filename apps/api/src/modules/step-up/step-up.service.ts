import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ReauthenticateInput, ReauthMethod } from '@latchkey/contracts';
import type { RecentAuthOptions } from '../../common/auth/auth.decorators.js';
import { minterOf, type Minter } from '../../common/auth/permission-ceiling.js';
import type { Principal } from '../../common/auth/principal.js';
import type { RequestContext } from '../../common/auth/request-context.js';
import { Clock } from '../../common/clock/clock.js';
import { secondFactorKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { Problems, type ProblemException } from '../../common/problem/problem.exception.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { MfaService } from '../mfa/mfa.service.js';
import { PasskeysService } from '../passkeys/passkeys.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';

/**
 * Recent authentication (step-up), the one rule every sensitive action follows: proof of the
 * user in the same request (Basic login:password, or the route's own password field), or a
 * session that proved its user again (POST /auth/reauthenticate) within AUTH_REAUTH_MAX_AGE.
 * A session access token alone is not enough: it may have been stolen (ASVS 5.0 7.5.1,
 * NIST SP 800-63B 6.1.2.1). The guard asks it for @RequireRecentAuth routes; the permission
 * ceiling asks it before a credential outlives its minter.
 */
@Injectable()
export class StepUpService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(MfaService) private readonly mfa: MfaService,
    @Inject(PasskeysService) private readonly passkeys: PasskeysService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Whether the caller proved its user in this request, or as a session recently enough. */
  async isRecent(principal: Principal): Promise<boolean> {
    if (principal.method === 'basic') return true;
    if (principal.method !== 'session' || !principal.sessionId) return false;
    const at = await this.sessions.reauthenticatedAt(principal.sessionId);
    return at !== null && this.clock.now() - at.getTime() < this.config.AUTH_REAUTH_MAX_AGE * 1000;
  }

  /** For a @RequireRecentAuth route: returns when the caller may go on, else 401. */
  async require(
    principal: Principal,
    request: FastifyRequest,
    { passwordField }: RecentAuthOptions,
  ): Promise<void> {
    // The route checks that password itself, as the proof in this very request.
    if (passwordField && hasText(request.body, passwordField)) return;
    if (await this.isRecent(principal)) return;
    throw await this.refusal(principal.user.id);
  }

  /** The minter a caller is, for the permission ceiling: with whether it proved its user. */
  async minterOf(principal: Principal): Promise<Minter> {
    if (await this.isRecent(principal)) return minterOf(principal, { recentlyAuthenticated: true });
    if (principal.method !== 'session') return minterOf(principal);
    return minterOf(principal, {
      recentlyAuthenticated: false,
      reauthentication: {
        methods: await this.methodsOf(principal.user.id),
        maxAgeSeconds: this.config.AUTH_REAUTH_MAX_AGE,
      },
    });
  }

  /**
   * Checks one proof (failure-limited as a second factor) and stamps the session: sensitive
   * actions are open to it until the returned time. 400 when the proof is wrong.
   */
  async reauthenticate(
    principal: Principal,
    proof: ReauthenticateInput,
    context: RequestContext,
  ): Promise<Date> {
    if (principal.method !== 'session' || !principal.sessionId) {
      throw Problems.invalidRequest(
        'Only a browser session re-authenticates; login:password is proof in every request.',
      );
    }
    const userId = principal.user.id;
    const [field, kind] = proof.password
      ? ['password', 'password']
      : proof.code
        ? ['code', 'totp_code']
        : ['passkey', 'passkey'];
    const proved = await this.limiter.attempt(
      { keys: secondFactorKeys(userId, context.ip), context, kind, subject: principal.user },
      () => this.check(userId, proof, context),
    );
    if (!proved) {
      throw Problems.validation(
        [{ field, message: 'This does not prove it is you' }],
        'The password, code or passkey is not correct.',
      );
    }
    const at = this.clock.date();
    if (!(await this.sessions.markReauthenticated(principal.sessionId, at))) {
      throw Problems.invalidCredentials();
    }
    return new Date(at.getTime() + this.config.AUTH_REAUTH_MAX_AGE * 1000);
  }

  /** Options for proving the user again with one of their passkeys. */
  passkeyOptions(principal: Principal) {
    return this.passkeys.reauthenticationOptions(principal.user.id);
  }

  /** The proofs this user can give: the password always, TOTP and passkeys once enrolled. */
  async methodsOf(userId: string): Promise<ReauthMethod[]> {
    const active = await this.users.findActive(userId);
    const methods: ReauthMethod[] = ['password'];
    if (active?.mfaEnabled) methods.push('totp');
    if (await this.passkeys.hasPasskeys(userId)) methods.push('passkey');
    return methods;
  }

  private async refusal(userId: string): Promise<ProblemException> {
    return Problems.reauthenticationRequired(
      await this.methodsOf(userId),
      this.config.AUTH_REAUTH_MAX_AGE,
    );
  }

  private async check(
    userId: string,
    proof: ReauthenticateInput,
    context: RequestContext,
  ): Promise<boolean> {
    if (proof.password !== undefined) return this.users.checkPassword(userId, proof.password);
    // A TOTP code only: a recovery code is for a lost authenticator, not for everyday step-up.
    if (proof.code !== undefined) return (await this.mfa.verify(userId, proof.code)) === 'totp';
    if (proof.passkey === undefined) return false;
    return (await this.passkeys.verifyReauthentication(userId, proof.passkey, context)).ok;
  }
}

function hasText(body: unknown, field: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0;
}
