import type { ResponsesObject, SchemaObject } from '@nestjs/swagger';

const string = { type: 'string' } as const;
const strings = { type: 'array', items: string } as const;

/** What the discovery and health endpoints answer, which no zod contract describes. */
export const DISCOVERY_SCHEMAS: Record<string, SchemaObject> = {
  Jwk: {
    type: 'object',
    description: 'A public key (RFC 7517): P-256 for ES256',
    required: ['kty', 'kid', 'alg', 'use'],
    properties: {
      kty: { type: 'string', enum: ['EC'] },
      crv: { type: 'string', enum: ['P-256'] },
      x: string,
      y: string,
      kid: string,
      alg: { type: 'string', enum: ['ES256'] },
      use: { type: 'string', enum: ['sig'] },
    },
  },
  Jwks: {
    type: 'object',
    description: 'The keys that verify Latchkey JWTs (RFC 7517); empty with JWT_SECRET (HS256)',
    required: ['keys'],
    properties: { keys: { type: 'array', items: { $ref: '#/components/schemas/Jwk' } } },
  },
  AuthorizationServerMetadata: {
    type: 'object',
    description: 'RFC 8414 authorization server metadata',
    required: ['issuer', 'token_endpoint', 'jwks_uri'],
    properties: {
      issuer: { type: 'string', format: 'uri' },
      token_endpoint: { type: 'string', format: 'uri' },
      token_endpoint_auth_methods_supported: strings,
      jwks_uri: { type: 'string', format: 'uri' },
      grant_types_supported: strings,
      response_types_supported: strings,
      scopes_supported: strings,
      introspection_endpoint: { type: 'string', format: 'uri' },
      introspection_endpoint_auth_methods_supported: strings,
      revocation_endpoint: { type: 'string', format: 'uri' },
      revocation_endpoint_auth_methods_supported: strings,
      service_documentation: { type: 'string', format: 'uri' },
    },
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ok'] } },
  },
  Readiness: {
    type: 'object',
    required: ['status', 'database'],
    properties: {
      status: { type: 'string', enum: ['ok'] },
      database: { type: 'string', enum: ['ok'] },
    },
  },
};

const json = (name: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
});

/** The success responses of those endpoints, by operation id. */
export const DISCOVERY_RESPONSES: Record<string, ResponsesObject> = {
  'discovery.jwks': { '200': json('Jwks', 'The published public keys') },
  'discovery.metadata': { '200': json('AuthorizationServerMetadata', 'RFC 8414 metadata') },
  'health.live': { '200': json('Health', 'The process answers') },
  'health.ready': { '200': json('Readiness', 'The database answers') },
};
