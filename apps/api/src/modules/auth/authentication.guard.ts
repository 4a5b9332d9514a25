import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { missingScopes, type Role, type Scope } from '@latchkey/contracts';
import {
  ALLOWED_WHILE_PASSWORD_CHANGE,
  INTERACTIVE_ONLY,
  IS_PUBLIC,
  OTHERS_SCOPES,
  RECENT_AUTH,
  REQUIRED_ROLES,
  REQUIRED_SCOPES,
  type RecentAuthOptions,
} from '../../common/auth/auth.decorators.js';
import { refusal } from '../../common/auth/authorize.js';
import type { Principal } from '../../common/auth/principal.js';
import { VerifiedCredentials } from '../../common/auth/verified-credentials.js';
import { countVerification } from '../../common/metrics/metrics.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { CredentialVerifier } from '../credentials/credential-verifier.js';
import { StepUpService } from '../step-up/step-up.service.js';
import { credentialForm, sentNoCredential, type Scheme } from './credential-form.js';

/** The passport strategy of one credential form, answering null rather than 401 on a failure. */
function schemeGuard(scheme: Scheme): CanActivate {
  class SchemeGuard extends AuthGuard(scheme) {
    override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
      return { session: false, property: 'principal' };
    }

    override handleRequest<T = Principal>(error: unknown, principal: T | false): T | null {
      if (error) throw error;
      return principal || null;
    }
  }
  return new SchemeGuard();
}

const SCHEMES: Scheme[] = ['bearer-jwt', 'opaque-token', 'api-key', 'basic'];

/** A refused credential's kind as far as its form tells (a JWT's kind is in what failed to verify). */
const FAILED_KIND: Record<Scheme, string> = {
  'bearer-jwt': 'jwt',
  'opaque-token': 'opaque_token',
  'api-key': 'api_key',
  basic: 'basic',
};

/**
 * The one global guard: every route needs a credential unless it is @Public(). The form of the
 * credential picks the one passport strategy that checks it, behind the verified-credential
 * cache; then the credential's rate limit is counted and the route's @Roles, @RequireScopes and
 * @InteractiveOnly are checked against the caller, and last its @RequireRecentAuth (step-up).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly schemes = new Map(SCHEMES.map((scheme) => [scheme, schemeGuard(scheme)]));

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(VerifiedCredentials) private readonly verified: VerifiedCredentials,
    @Inject(CredentialVerifier) private readonly credentials: CredentialVerifier,
    @Inject(StepUpService) private readonly stepUp: StepUpService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const form = credentialForm(request, this.config);
    if (!form) {
      throw sentNoCredential(request) ? Problems.noCredential() : Problems.invalidCredentials();
    }
    request.credentialForm = form;
    const authenticate = () => this.authenticate(form.scheme, context);
    const principal =
      form.presented === null
        ? await authenticate()
        : await this.verified.get(form.scheme, form.presented, authenticate);
    if (!principal) {
      countVerification(FAILED_KIND[form.scheme], 'failure');
      throw Problems.invalidCredentials();
    }
    await this.credentials.admit(principal, request, http.getResponse<FastifyReply>());
    request.principal = principal;
    const scopes = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [];
    const denied = refusal(principal, {
      roles: this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets) ?? [],
      scopes,
      othersScopes: this.reflector.getAllAndOverride<Scope[]>(OTHERS_SCOPES, targets) ?? [],
      interactiveOnly:
        this.reflector.getAllAndOverride<boolean>(INTERACTIVE_ONLY, targets) ?? false,
      allowedWhilePasswordChange:
        this.reflector.getAllAndOverride<boolean>(ALLOWED_WHILE_PASSWORD_CHANGE, targets) ?? false,
    });
    if (denied) throw denied;
    // Let in on its admin scopes alone: it may act on others' credentials, not on its own.
    request.selfScopesMissing = missingScopes(principal.scopes, scopes);
    const recentAuth = this.reflector.getAllAndOverride<RecentAuthOptions>(RECENT_AUTH, targets);
    if (recentAuth) await this.stepUp.require(principal, request, recentAuth);
    return true;
  }

  private async authenticate(scheme: Scheme, context: ExecutionContext): Promise<Principal | null> {
    await this.schemes.get(scheme)?.canActivate(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // Nothing is accepted, or refused as wrong, that could not be checked: 503.
    if (request.verificationError) throw request.verificationError;
    return request.principal ?? null;
  }
}
