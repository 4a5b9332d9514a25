import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SCOPES } from '@latchkey/contracts';
import { Public } from '../../common/auth/auth.decorators.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SigningKeysService } from './signing-keys.service.js';

@ApiTags('Discovery')
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SigningKeysService) private readonly keys: SigningKeysService,
  ) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'Public keys that verify Latchkey JWTs (RFC 7517); empty with HS256' })
  jwks() {
    return this.keys.jwks();
  }

  @Get('oauth-authorization-server')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  metadata() {
    const api = `${this.config.PUBLIC_URL}/api/v1`;
    // Registered method names only (RFC 8414 §2): one client authentication on every endpoint.
    const clientAuth = ['client_secret_basic', 'client_secret_post'];
    return {
      issuer: this.config.PUBLIC_URL,
      token_endpoint: `${api}/oauth/token`,
      token_endpoint_auth_methods_supported: clientAuth,
      jwks_uri: `${this.config.PUBLIC_URL}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      scopes_supported: SCOPES,
      introspection_endpoint: `${api}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: clientAuth,
      revocation_endpoint: `${api}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: clientAuth,
      service_documentation: `${this.config.PUBLIC_URL}/api/docs`,
    };
  }
}
