import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TOKEN_PREFIXES, type IntrospectionResponse } from '@latchkey/contracts';
import type { Acting } from '../../common/auth/acting.js';
import { JwtResolvers } from '../../common/auth/jwt-resolvers.js';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { VerifiedCredentials } from '../../common/auth/verified-credentials.js';
import { introspectionKeys } from '../../common/limits/failure-keys.js';
import { FailureLimiter } from '../../common/limits/failure-limiter.js';
import { splitKeyAndSecret } from '../api-keys/api-key-credentials.js';
import { AuditService } from '../audit/audit.service.js';
import type { Scheme } from '../auth/credential-form.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { CredentialVerifier } from '../credentials/credential-verifier.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { InvalidJwt, JwtService, type VerifiedJwt } from '../signing-keys/jwt.service.js';
import type { JwtKind } from '../signing-keys/jwt-kinds.js';
import { UsersService } from '../users/users.service.js';
import { TokenExchangeService } from './token-exchange.service.js';

const INACTIVE: IntrospectionResponse = { active: false };

/** Signed tokens cannot be guessed: an inactive JWT (expired, say) is no failed guess. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

type Reason = 'revoked' | 'leaked';

/**
 * Introspection (RFC 7662) and revocation (RFC 7009, and reported leaks) of every token Latchkey
 * issues: JWTs of each kind, opaque lkt_ tokens, API key pairs written `key:secret`, and for
 * leaks also refresh tokens and API secrets alone.
 */
@Injectable()
export class TokenInspectorService {
  constructor(
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(JwtResolvers) private readonly resolvers: JwtResolvers,
    @Inject(VerifiedCredentials) private readonly verified: VerifiedCredentials,
    @Inject(CredentialVerifier) private readonly verifier: CredentialVerifier,
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(TokenExchangeService) private readonly exchange: TokenExchangeService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(FailureLimiter) private readonly limiter: FailureLimiter,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  /**
   * `{active: true, …}` exactly when the token would authenticate a request now, read through the
   * same verified-credential cache. Inactive answers for tokens that could be guessed (anything
   * but a JWT) count as the caller's failures. An active answer counts as use of the token, as
   * a request with it would (batched, never a write per call), from an unknown address: the
   * caller is the service the token was presented to, not its holder.
   */
  async introspect(
    token: string,
    request: FastifyRequest,
    caller: Principal,
  ): Promise<IntrospectionResponse> {
    const context = requestContext(request);
    const principal = await this.limiter.attempt(
      {
        keys: introspectionKeys(caller.credentialId ?? caller.user.id, context.ip),
        context,
        kind: 'introspection',
        subject: caller.user,
      },
      () => this.inspect(token, request),
      (found) => !found && !JWT_SHAPE.test(token),
    );
    if (!principal) return INACTIVE;
    this.verifier.recordUse(principal, null);
    const { issuedAt, expiresAt, clientId } = principal.credential ?? {};
    return {
      active: true,
      sub: principal.user.id,
      username: principal.user.login,
      scope: principal.scopes.join(' '),
      ...(expiresAt !== undefined ? { exp: Math.floor(expiresAt / 1000) } : {}),
      ...(issuedAt !== undefined ? { iat: Math.floor(issuedAt / 1000) } : {}),
      token_type: principal.method === 'api_key' ? 'api_key' : 'Bearer',
      ...(clientId ? { client_id: clientId } : {}),
      ...(principal.actor ? { act: { sub: principal.actor.id } } : {}),
      auth_method: principal.method,
    };
  }

  /**
   * Revokes the token if it is one of ours and still live; true when something was revoked.
   * Anything else is quietly ignored, as RFC 7009 §2.2 asks.
   */
  async revoke(token: string, acting: Acting, reason: Reason = 'revoked'): Promise<boolean> {
    if (await this.credentials.revokePresented(token, reason, acting)) return true;
    if (token.startsWith(TOKEN_PREFIXES.refresh)) {
      const session = await this.sessions.endByRefreshToken(token, reason);
      if (session && reason === 'leaked') await this.auditLeak(session.userId, session.id, acting);
      return session !== null;
    }
    const verified = await this.verifiedJwt(token);
    if (!verified) return false;
    const { kind, jwt } = verified;
    if (kind === 'exchanged') return this.exchange.revoke(jwt, acting, reason);
    if (kind !== 'access' || typeof jwt.claims.sid !== 'string') return false;
    if (!(await this.sessions.revoke(jwt.claims.sid, reason, jwt.sub))) return false;
    if (reason === 'leaked') await this.auditLeak(jwt.sub, jwt.claims.sid, acting);
    return true;
  }

  /**
   * A leak report: revokes every live credential among `tokens`. Stored secrets and refresh
   * tokens are looked up together (one query per table, whatever the report's size); JWTs need
   * no lookup until their signature verifies. Only what is found is then revoked one by one.
   */
  async revokeLeaked(tokens: string[], acting: Acting): Promise<void> {
    const [stored, refresh] = await Promise.all([
      this.credentials.storedAmong(tokens),
      this.sessions.refreshTokensAmong(tokens),
    ]);
    const jwts = tokens.filter((token) => this.jwt.peekKind(token) !== null);
    for (const token of new Set([...stored, ...refresh, ...jwts])) {
      await this.revoke(token, acting, 'leaked');
    }
  }

  /** What the token stands for, from the verified-credential cache or checked once. */
  private inspect(token: string, request: FastifyRequest): Promise<Principal | null> {
    const [scheme, verify] = this.checkerOf(token, request);
    return this.verified.get(scheme, token, verify);
  }

  /** The scheme a bare token is presented in, and how it is checked on a cache miss. */
  private checkerOf(
    token: string,
    request: FastifyRequest,
  ): [Scheme, () => Promise<Principal | null>] {
    if (token.startsWith(TOKEN_PREFIXES.opaque)) {
      return [
        'opaque-token',
        async () => (await this.verifier.verify('opaque_token', token))?.principal ?? null,
      ];
    }
    if (splitKeyAndSecret(token)) {
      return [
        'api-key',
        async () => (await this.verifier.verify('api_key', token))?.principal ?? null,
      ];
    }
    return [
      'bearer-jwt',
      async () => {
        const verified = await this.verifiedJwt(token);
        const resolver = verified ? this.resolvers.get(verified.kind) : undefined;
        return verified && resolver ? resolver(verified.jwt, request) : null;
      },
    ];
  }

  /** A session ended by a leak report, audited for its user. */
  private async auditLeak(userId: string, sessionId: string, acting: Acting): Promise<void> {
    await this.audit.record('credential.leaked', {
      ...acting,
      subject: await this.users.findById(userId),
      details: { kind: 'session', id: sessionId },
    });
  }

  /** A JWT Latchkey signed, of the kind its typ names, unexpired; null for anything else. */
  private async verifiedJwt(token: string): Promise<{ kind: JwtKind; jwt: VerifiedJwt } | null> {
    const kind = this.jwt.peekKind(token);
    if (!kind || kind === 'mfa') return null;
    try {
      return { kind, jwt: await this.jwt.verify(token, kind) };
    } catch (error) {
      if (error instanceof InvalidJwt) return null;
      throw error;
    }
  }
}
