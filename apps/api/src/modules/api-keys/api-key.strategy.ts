import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { principalFor, type Principal } from '../../common/auth/principal.js';
import { requestContext } from '../../common/auth/request-context.js';
import { RequestStrategy } from '../../common/auth/request-strategy.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { UsersService } from '../users/users.service.js';
import { parseApiKeyCredentials } from './api-key-credentials.js';
import { ApiKeysService } from './api-keys.service.js';

/** `Authorization: token <key>:<secret>` and `Authorization: Basic base64(<key>:<secret>)`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(RequestStrategy, 'api-key') {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | false> {
    if (!this.config.AUTH_API_KEY_ENABLED) return false;
    const credentials = parseApiKeyCredentials(request.headers.authorization);
    if (!credentials) return false;
    const key = await this.keys.authenticate(
      credentials.key,
      credentials.secret,
      requestContext(request),
      'header',
    );
    if (!key) return false;
    const user = await this.users.findActive(key.userId);
    if (!user) return false;
    this.keys.touch(key.id, request.ip);
    return principalFor(user, 'api_key', { granted: key.scopes, credentialId: key.id });
  }
}
