import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  REFRESH_COOKIE,
  accessTokenResponseSchema,
  loginResponseSchema,
  mfaLoginSchema,
  mfaPasskeyOptionsInputSchema,
  passkeyAuthenticationOptionsSchema,
  passkeyLoginOptionsInputSchema,
  passkeyLoginSchema,
  passwordLoginSchema,
  type AccessTokenResponse,
  type LoginResponse,
  type MfaLoginInput,
  type MfaMethod,
  type MfaPasskeyOptionsInput,
  type PasskeyAuthenticationOptions,
  type PasskeyLoginInput,
  type PasskeyLoginOptionsInput,
  type PasswordLoginInput,
  type SignInMethod,
} from '@latchkey/contracts';
import { OwnPagesOnly, Public } from '../../common/auth/auth.decorators.js';
import { requestContext, type RequestContext } from '../../common/auth/request-context.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { MfaService } from '../mfa/mfa.service.js';
import { PasskeysService } from '../passkeys/passkeys.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { InvalidJwt, JwtService, type VerifiedJwt } from '../signing-keys/jwt.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { secondFactorKeys, tokenKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { RateLimits } from '../../common/limits/rate-limits.js';
import { DeviceTrust } from './device-trust.js';
import { LoginFailures } from './login-failures.js';
import { SessionIssuer } from './session-issuer.js';

/** Passwordless sign-ins one client IP may start (each stores a challenge). */
export const PASSKEY_OPTIONS_PER_IP = { requests: 30, perSeconds: 60 };

@ApiTags('Sessions')
@Controller('auth')
// Every route here sets or clears the session and device cookies.
@OwnPagesOnly()
export class AuthController {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(MfaService) private readonly mfa: MfaService,
    @Inject(PasskeysService) private readonly passkeys: PasskeysService,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
    @Inject(DeviceTrust) private readonly devices: DeviceTrust,
    @Inject(LoginFailures) private readonly failures: LoginFailures,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RateLimits) private readonly rateLimits: RateLimits,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in with login and password: an access token and the lk_refresh cookie, or the MFA step',
  })
  @ApiBody({ schema: requestSchema(passwordLoginSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(loginResponseSchema) })
  async login(
    @Body(new ZodValidationPipe(passwordLoginSchema)) body: PasswordLoginInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponse> {
    const context = requestContext(request);
    const user = await this.limiter.attempt(
      { keys: this.devices.failureKeys(request, body.login), context, kind: 'password' },
      () => this.users.verifyPassword(body.login, body.password),
    );
    if (!user) {
      await this.failures.record(body.login, context, 'password');
      throw Problems.sessionRefused('The login or the password is wrong.');
    }
    const methods = await this.secondFactorsOf(user);
    if (methods.length > 0) {
      const { token } = await this.jwt.sign('mfa', {
        subject: user.id,
        expiresIn: this.config.AUTH_MFA_TOKEN_TTL,
      });
      return {
        mfa_required: true,
        mfa_token: token,
        expires_in: this.config.AUTH_MFA_TOKEN_TTL,
        methods,
      };
    }
    return this.startSession(request, reply, user, ['password']);
  }

  @Post('login/passkey-options')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Start a passwordless sign-in: options for navigator.credentials.get() (startAuthentication); without a login, discoverable passkeys',
  })
  @ApiBody({ schema: requestSchema(passkeyLoginOptionsInputSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(passkeyAuthenticationOptionsSchema) })
  async passkeyOptions(
    @Body(new ZodValidationPipe(passkeyLoginOptionsInputSchema)) body: PasskeyLoginOptionsInput,
    @Req() request: FastifyRequest,
  ): Promise<PasskeyAuthenticationOptions> {
    // Each answer stores a challenge: limited per client IP (and the table is bounded).
    await this.rateLimits.consume('passkey-options', request.ip, PASSKEY_OPTIONS_PER_IP);
    const user = body.login ? await this.users.findByLogin(body.login) : null;
    return this.passkeys.loginOptions(user);
  }

  @Post('login/passkey')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in with a passkey (user verified), no password: an access token and the lk_refresh cookie',
  })
  @ApiBody({ schema: requestSchema(passkeyLoginSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(accessTokenResponseSchema) })
  async loginPasskey(
    @Body(new ZodValidationPipe(passkeyLoginSchema)) body: PasskeyLoginInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    const context = requestContext(request);
    const outcome = await this.limiter.attempt(
      { keys: tokenKeys(context.ip), context, kind: 'passkey' },
      () => this.passkeys.verifyLogin(body.response, context),
      (result) => !result.ok,
    );
    const user = outcome.passkey ? await this.users.findById(outcome.passkey.userId) : null;
    if (!outcome.ok || !user || user.disabledAt !== null) {
      await this.audit.record('login.failed', {
        subject: user,
        context,
        details: {
          method: 'passkey',
          reason: outcome.ok ? 'user_disabled' : outcome.reason,
          ...(outcome.passkey ? { passkeyId: outcome.passkey.id } : {}),
        },
      });
      throw Problems.sessionRefused(
        'This passkey could not sign you in: it is unknown, was removed, or the sign-in expired.',
      );
    }
    return this.startSession(request, reply, user, ['passkey'], outcome.passkey.id);
  }

  @Post('login/mfa/passkey-options')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: "Second login step with a passkey: options listing the user's passkeys",
  })
  @ApiBody({ schema: requestSchema(mfaPasskeyOptionsInputSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(passkeyAuthenticationOptionsSchema) })
  async mfaPasskeyOptions(
    @Body(new ZodValidationPipe(mfaPasskeyOptionsInputSchema)) body: MfaPasskeyOptionsInput,
  ): Promise<PasskeyAuthenticationOptions> {
    const verified = await this.verifyMfaToken(body.mfa_token);
    if (await this.mfa.isTokenSpent(verified.jti)) throw this.mfaStepOver();
    const active = await this.users.findActive(verified.sub);
    if (!active) throw this.mfaStepOver();
    return this.passkeys.mfaOptions(active.id);
  }

  @Post('login/mfa')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Second login step: the mfa_token with a TOTP code, a recovery code, or a passkey (each mfa_token works once)',
  })
  @ApiBody({ schema: requestSchema(mfaLoginSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(accessTokenResponseSchema) })
  async loginMfa(
    @Body(new ZodValidationPipe(mfaLoginSchema)) body: MfaLoginInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    const context = requestContext(request);
    const verified = await this.verifyMfaToken(body.mfa_token);
    const userId = verified.sub;
    const active = await this.users.findActive(userId);
    const factor = await this.limiter.attempt(
      {
        keys: active
          ? this.devices.secondFactorKeys(request, active)
          : secondFactorKeys(userId, context.ip),
        context,
        kind: body.passkey ? 'passkey' : 'mfa_code',
        subject: active,
      },
      async () => (active ? this.verifySecondFactor(userId, body, context) : null),
    );
    const user = factor ? await this.users.findById(userId) : null;
    if (!active || !factor || !user) {
      await this.audit.record('login.failed', {
        subject: active,
        context,
        details: { login: active?.login, step: 'mfa', method: body.passkey ? 'passkey' : 'code' },
      });
      throw Problems.sessionRefused(
        body.passkey
          ? 'This passkey could not confirm the sign-in: use another one or a code.'
          : 'The code is wrong or was already used.',
      );
    }
    // Spent only once a factor has been proven, so a mistyped code does not end the step; one
    // token still completes one login, also when two requests race on two instances.
    if (!(await this.mfa.spendToken(verified.jti, new Date(verified.exp * 1000)))) {
      throw this.mfaStepOver();
    }
    return this.startSession(request, reply, user, ['password', factor.method], factor.passkeyId);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A new access token for the lk_refresh cookie, which is rotated (Origin must be this site)',
  })
  @ApiResponse({ status: 200, schema: responseSchema(accessTokenResponseSchema) })
  async refresh(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    const context = requestContext(request);
    const token = request.cookies[REFRESH_COOKIE];
    const result = token
      ? await this.limiter.attempt(
          { keys: tokenKeys(context.ip), context, kind: 'refresh_token' },
          () => this.sessions.refresh(token, context),
          (outcome) => outcome.outcome === 'invalid',
        )
      : { outcome: 'invalid' as const };
    if (result.outcome === 'issued') {
      const user = await this.users.findById(result.session.userId);
      if (user && user.disabledAt === null) return this.issuer.respond(reply, user, result);
      await this.sessions.revoke(result.session.id, 'user_disabled');
    }
    if (result.outcome === 'reused') {
      const user = await this.users.findById(result.session.userId);
      await this.audit.record('refresh.reuse_detected', {
        subject: user,
        context,
        details: { sessionId: result.session.id },
      });
    }
    this.issuer.clearCookie(reply);
    throw Problems.sessionRefused('The session has ended: sign in again.');
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the session of the lk_refresh cookie and clear it (Origin must be this site)',
  })
  @ApiResponse({ status: 204 })
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const token = request.cookies[REFRESH_COOKIE];
    const session = token ? await this.sessions.logout(token) : null;
    if (session) {
      const user = await this.users.findById(session.userId);
      await this.audit.record('session.revoked', {
        actor: user,
        subject: user,
        context: requestContext(request),
        details: { sessionId: session.id, reason: 'logout' },
      });
    }
    this.issuer.clearCookie(reply);
  }

  /** The second factors this user can complete a password login with; none: no MFA step. */
  private async secondFactorsOf(user: UserEntity): Promise<MfaMethod[]> {
    const methods: MfaMethod[] = [];
    if (user.totpEnabledAt) methods.push('totp');
    if (await this.passkeys.hasPasskeys(user.id)) methods.push('passkey');
    if (user.totpEnabledAt) methods.push('recovery_code');
    return methods;
  }

  /** Which factor the MFA step's code or passkey proves (spending it); null if none. */
  private async verifySecondFactor(
    userId: string,
    body: MfaLoginInput,
    context: RequestContext,
  ): Promise<{ method: SignInMethod; passkeyId?: string } | null> {
    if (body.passkey) {
      const outcome = await this.passkeys.verifyMfa(userId, body.passkey, context);
      return outcome.ok ? { method: 'passkey', passkeyId: outcome.passkey.id } : null;
    }
    const factor = body.code ? await this.mfa.verify(userId, body.code) : null;
    return factor ? { method: factor } : null;
  }

  private async verifyMfaToken(token: string): Promise<VerifiedJwt> {
    return this.jwt.verify(token, 'mfa').catch((error: unknown) => {
      if (error instanceof InvalidJwt) throw this.mfaStepOver();
      throw error;
    });
  }

  private mfaStepOver() {
    return Problems.sessionRefused(
      'The MFA step has expired, was already completed, or is not valid: sign in again.',
    );
  }

  private async startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserEntity,
    methods: SignInMethod[],
    passkeyId?: string,
  ): Promise<AccessTokenResponse> {
    const context = requestContext(request);
    const issued = await this.sessions.start(user.id, context, methods);
    await this.users.recordLogin(user.id);
    await this.audit.record('login.succeeded', {
      actor: user,
      subject: user,
      context,
      details: {
        sessionId: issued.session.id,
        factor: methods.at(-1),
        methods,
        ...(passkeyId ? { passkeyId } : {}),
      },
    });
    this.devices.issue(request, reply, user.login);
    return this.issuer.respond(reply, user, issued);
  }
}
