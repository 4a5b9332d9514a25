import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { OWN_PAGES_ONLY } from './auth.decorators.js';
import { TrustedOrigins } from './trusted-origin.js';

/** Methods a cross-site form or script may use to change something (RFC 9110 §9.2.1). */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A credential the browser attaches by itself, whichever page made the request: Basic
 * credentials it once prompted for, and cookies. A Bearer token, an API key or X-Auth-Token is
 * sent only by code that holds it, so it proves the caller chose to send it.
 */
function carriesAmbientCredential(request: FastifyRequest): boolean {
  const { authorization, cookie } = request.headers;
  return cookie !== undefined || /^basic(?:\s|$)/i.test(authorization ?? '');
}

/**
 * Cross-site request forgery, refused before authentication: the cookie endpoints answer only
 * pages of this site, and an unsafe request that carries an ambient credential is refused when
 * it comes from a foreign page. Registered before the authentication guard, so a forged request
 * neither authenticates nor counts as a failed guess.
 */
@Injectable()
export class CrossSiteGuard implements CanActivate {
  private readonly origins: TrustedOrigins;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.origins = new TrustedOrigins(config.PUBLIC_URL, config.CORS_ORIGINS);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(OWN_PAGES_ONLY, targets)) {
      this.origins.assertOwnPage(request);
    } else if (UNSAFE_METHODS.has(request.method) && carriesAmbientCredential(request)) {
      this.origins.assertNotForeign(request);
    }
    return true;
  }
}
