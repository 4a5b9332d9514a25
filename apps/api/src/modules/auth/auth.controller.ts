import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  REFRESH_COOKIE,
  accessTokenResponseSchema,
  loginResponseSchema,
  mfaLoginSchema,
  passwordLoginSchema,
  type AccessTokenResponse,
  type LoginResponse,
  type MfaLoginInput,
  type PasswordLoginInput,
} from '@latchkey/contracts';
import { Public } from '../../common/auth/auth.decorators.js';
import { requestContext, type RequestContext } from '../../common/auth/request-context.js';
import { assertTrustedOrigin } from '../../common/auth/trusted-origin.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { MfaService } from '../mfa/mfa.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { InvalidJwt, JwtService } from '../signing-keys/jwt.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { LoginThrottle } from './login-throttle.js';
import { SessionIssuer } from './session-issuer.js';

/** The failure key of the MFA step: logins cannot contain ':', so it never meets a login's. */
const mfaThrottleKey = (userId: string) => `mfa:${userId}`;

@ApiTags('Sessions')
@Controller('auth')
export class AuthController {
  private readonly trustedOrigins: string[];

  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(MfaService) private readonly mfa: MfaService,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(SessionIssuer) private readonly issuer: SessionIssuer,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.trustedOrigins = [new URL(this.config.PUBLIC_URL).origin, ...this.config.CORS_ORIGINS];
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
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
    this.throttle.assertAllowed(body.login, context.ip);
    const user = await this.users.verifyPassword(body.login, body.password);
    if (!user) {
      this.throttle.recordFailure(body.login, context.ip);
      await this.audit.record('login.failed', { context, details: { login: body.login } });
      throw Problems.sessionRefused('The login or the password is wrong.');
    }
    if (user.totpEnabledAt) {
      const { token } = await this.jwt.sign('mfa', {
        subject: user.id,
        expiresIn: this.config.AUTH_MFA_TOKEN_TTL,
      });
      return { mfa_required: true, mfa_token: token, expires_in: this.config.AUTH_MFA_TOKEN_TTL };
    }
    return this.startSession(reply, user, context, 'password');
  }

  @Post('login/mfa')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Second login step: the mfa_token with a TOTP code or a recovery code' })
  @ApiBody({ schema: requestSchema(mfaLoginSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(accessTokenResponseSchema) })
  async loginMfa(
    @Body(new ZodValidationPipe(mfaLoginSchema)) body: MfaLoginInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    const context = requestContext(request);
    const userId = await this.jwt.verify(body.mfa_token, 'mfa').then(
      (verified) => verified.sub,
      (error: unknown) => {
        if (error instanceof InvalidJwt)
          throw Problems.sessionRefused('The MFA step has expired or is not valid: sign in again.');
        throw error;
      },
    );
    this.throttle.assertAllowed(mfaThrottleKey(userId), context.ip);
    const active = await this.users.findActive(userId);
    const factor = active ? await this.mfa.verify(userId, body.code) : null;
    const user = factor ? await this.users.findById(userId) : null;
    if (!active || !factor || !user) {
      this.throttle.recordFailure(mfaThrottleKey(userId), context.ip);
      await this.audit.record('login.failed', {
        subject: active,
        context,
        details: { login: active?.login, step: 'mfa' },
      });
      throw Problems.sessionRefused('The code is wrong or was already used.');
    }
    return this.startSession(reply, user, context, factor);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'A new access token for the lk_refresh cookie, which is rotated (Origin must be this site)',
  })
  @ApiHeader({ name: 'Origin', required: true })
  @ApiResponse({ status: 200, schema: responseSchema(accessTokenResponseSchema) })
  async refresh(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenResponse> {
    assertTrustedOrigin(request, this.trustedOrigins);
    const context = requestContext(request);
    const token = request.cookies[REFRESH_COOKIE];
    const result = token
      ? await this.sessions.refresh(token, context)
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
  @ApiHeader({ name: 'Origin', required: true })
  @ApiResponse({ status: 204 })
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    assertTrustedOrigin(request, this.trustedOrigins);
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

  private async startSession(
    reply: FastifyReply,
    user: UserEntity,
    context: RequestContext,
    factor: string,
  ): Promise<AccessTokenResponse> {
    const issued = await this.sessions.start(user.id, context);
    await this.users.recordLogin(user.id);
    await this.audit.record('login.succeeded', {
      actor: user,
      subject: user,
      context,
      details: { sessionId: issued.session.id, factor },
    });
    return this.issuer.respond(reply, user, issued);
  }
}
