import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { BasicStrategy as PassportBasicStrategy } from 'passport-http';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { principalFor, type Principal } from '../../common/auth/principal.js';
import { isApiKeyId } from '../api-keys/api-key-credentials.js';
import { PasskeysService } from '../passkeys/passkeys.service.js';
import { UsersService } from '../users/users.service.js';
import { requestContext } from '../../common/auth/request-context.js';
import { untrustedLoginKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { parseBasicCredentials } from './basic-credentials.js';
import { LoginFailures } from './login-failures.js';

type Verified = (error: unknown, user?: Principal | false) => void;

/** What passport adds to a strategy while it authenticates a request. */
interface StrategyActions {
  _verify(req: unknown, login: string, password: string, done: Verified): void;
  success(user: Principal): void;
  fail(challenge: string, status: number): void;
  error(error: unknown): void;
}

/**
 * passport-http's Basic strategy with an RFC 7617 parser: its own splits the password at every
 * ':' and accepts any scheme that merely contains "basic".
 */
class Rfc7617BasicStrategy extends PassportBasicStrategy {
  override authenticate(req: Parameters<PassportBasicStrategy['authenticate']>[0]): void {
    const strategy = this as unknown as StrategyActions;
    const credentials = parseBasicCredentials(req.headers.authorization);
    if (!credentials) return strategy.fail('Basic realm="latchkey"', 401);
    strategy._verify(req, credentials.login, credentials.password, (error, user) => {
      if (error) return strategy.error(error);
      if (!user) return strategy.fail('Basic realm="latchkey"', 401);
      return strategy.success(user);
    });
  }
}

@Injectable()
export class BasicAuthStrategy extends PassportStrategy(Rfc7617BasicStrategy, 'basic') {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
    @Inject(LoginFailures) private readonly failures: LoginFailures,
    @Inject(PasskeysService) private readonly passkeys: PasskeysService,
  ) {
    super({ passReqToCallback: true, realm: 'latchkey' });
  }

  async validate(req: FastifyRequest, login: string, password: string): Promise<Principal | false> {
    if (!this.config.AUTH_BASIC_PASSWORD_ENABLED) return false;
    // Basic lk_…:lks_… is an API key pair, which the api-key strategy checks: no login has it.
    if (isApiKeyId(login)) return false;
    // Scripts keep no device cookie: Basic is always an untrusted client (see README).
    const context = requestContext(req);
    const user = await this.limiter.attempt(
      { keys: untrustedLoginKeys(login, context.ip), context, kind: 'password' },
      () => this.users.verifyPassword(login, password),
    );
    if (!user) {
      await this.failures.record(login, context, 'basic');
      return false;
    }
    // A password alone is not enough for an account with a second factor (TOTP or a passkey).
    if (user.totpEnabledAt || (await this.passkeys.hasPasskeys(user.id))) return false;
    return principalFor(user, 'basic', { passwordChangeRequired: user.passwordMustChange });
  }
}
