import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Role, Scope } from '@latchkey/contracts';
import {
  ALLOWED_WHILE_PASSWORD_CHANGE,
  INTERACTIVE_ONLY,
  IS_PUBLIC,
  REQUIRED_ROLES,
  REQUIRED_SCOPES,
} from '../../common/auth/auth.decorators.js';
import { refusal } from '../../common/auth/authorize.js';
import type { Principal } from '../../common/auth/principal.js';
import { Problems } from '../../common/problem/problem.exception.js';

/**
 * The credential schemes tried on every protected route, through their passport strategies, in
 * this order: the cheap token lookups first, argon2id (Basic login:password) last.
 */
export const STRATEGIES = ['bearer-jwt', 'opaque-token', 'api-key', 'basic'];

/**
 * The one global guard: every route needs a credential unless it is @Public(), then the
 * route's @Roles, @RequireScopes and @InteractiveOnly are checked against the principal.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(STRATEGIES) {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(context);
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal as Principal;
    const denied = refusal(principal, {
      roles: this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets) ?? [],
      scopes: this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [],
      interactiveOnly:
        this.reflector.getAllAndOverride<boolean>(INTERACTIVE_ONLY, targets) ?? false,
      allowedWhilePasswordChange:
        this.reflector.getAllAndOverride<boolean>(ALLOWED_WHILE_PASSWORD_CHANGE, targets) ?? false,
    });
    if (denied) throw denied;
    return true;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false, property: 'principal' };
  }

  override handleRequest<T = Principal>(error: unknown, principal: T | false): T {
    if (error) throw error;
    if (!principal) throw Problems.invalidCredentials();
    return principal;
  }
}
