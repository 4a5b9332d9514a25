import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { RequestStrategy } from '../../common/auth/request-strategy.js';
import { CredentialVerifier, type SecretKind } from './credential-verifier.js';

/**
 * The presented credential of the form the authentication guard picked this strategy for
 * (`request.credentialForm`), checked by the credential verifier.
 */
async function verifyPresented(
  verifier: CredentialVerifier,
  kind: SecretKind,
  request: FastifyRequest,
): Promise<Principal | false> {
  const presented = request.credentialForm?.presented;
  if (!presented) return false;
  const verified = await verifier.authenticate(kind, presented, requestContext(request));
  return verified?.principal ?? false;
}

/** `Authorization: token <key>:<secret>` and `Authorization: Basic base64(<key>:<secret>)`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(RequestStrategy, 'api-key') {
  constructor(@Inject(CredentialVerifier) private readonly verifier: CredentialVerifier) {
    super();
  }

  validate(request: FastifyRequest): Promise<Principal | false> {
    return verifyPresented(this.verifier, 'api_key', request);
  }
}

/** Opaque lkt_ tokens: `?auth_token=`, `X-Auth-Token` or `Authorization: Bearer`. */
@Injectable()
export class OpaqueTokenStrategy extends PassportStrategy(RequestStrategy, 'opaque-token') {
  constructor(@Inject(CredentialVerifier) private readonly verifier: CredentialVerifier) {
    super();
  }

  validate(request: FastifyRequest): Promise<Principal | false> {
    return verifyPresented(this.verifier, 'opaque_token', request);
  }
}
