import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { problemSchema, PROBLEM_CONTENT_TYPE } from '@latchkey/contracts';
import type { AppConfig } from '../../config/config.js';
import { listRoutes, type RouteAuth } from '../auth/route-catalog.js';
import { responseSchema } from './json-schema.js';

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
});

/** Any one of these authenticates a protected operation. */
const AUTHENTICATED = ['bearer', 'basic', 'apiKeyToken', 'opaqueHeader', 'opaqueQuery'].map(
  (scheme) => ({ [scheme]: [] }),
);

/** The OpenAPI 3.1 document, with each operation's auth requirement taken from its decorators. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const base = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Latchkey')
    .setDescription(
      'Token-based authentication server. Errors are application/problem+json (RFC 9457) with a machine-readable `code`.',
    )
    .setVersion('1')
    .addServer(config.PUBLIC_URL)
    .addBasicAuth(
      { type: 'http', scheme: 'basic', description: 'login:password, or API key:secret' },
      'basic',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A session access token (POST /api/v1/auth/login), a personal access token, an account API token, a token from POST /api/v1/sessions or /oauth/token, or an opaque lkt_ token',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: 'An API key pair: `token <apiKey>:<apiSecret>`',
      },
      'apiKeyToken',
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' }, 'opaqueHeader')
    .addApiKey({ type: 'apiKey', in: 'query', name: 'auth_token' }, 'opaqueQuery')
    .build();
  const document = SwaggerModule.createDocument(app, base, { ignoreGlobalPrefix: false });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: responseSchema(problemSchema) },
  };
  for (const route of listRoutes(app)) describeAuth(document, route);
  return document;
}

function describeAuth(document: OpenAPIObject, route: RouteAuth): void {
  const operation = document.paths[route.path]?.[route.method.toLowerCase() as 'get'];
  if (!operation) return;
  operation.responses = {
    ...operation.responses,
    '400': problemResponse('Malformed request (validation_failed)'),
  };
  if (route.public) {
    operation.security = [];
    return;
  }
  operation.security = AUTHENTICATED;
  operation.responses['401'] = problemResponse('Missing, wrong or revoked credential');
  const needs = [
    ...(route.roles.length > 0 ? [`role ${route.roles.join(' or ')}`] : []),
    ...(route.scopes.length > 0 ? [`scopes ${route.scopes.join(', ')}`] : []),
    ...(route.interactiveOnly ? ['a password or browser session, not a token'] : []),
  ];
  if (needs.length > 0) {
    operation.responses['403'] = problemResponse(`Needs ${needs.join('; ')}`);
    operation.description = [operation.description, `Requires ${needs.join('; ')}.`]
      .filter(Boolean)
      .join('\n\n');
  }
  Object.assign(operation, { 'x-required-scopes': route.scopes, 'x-required-roles': route.roles });
}

export function setupOpenApi(app: INestApplication, config: AppConfig): void {
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'api/v1/openapi.json',
    yamlDocumentUrl: 'api/v1/openapi.yaml',
  });
}
