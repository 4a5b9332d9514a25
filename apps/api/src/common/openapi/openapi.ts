import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { problemSchema, PROBLEM_CONTENT_TYPE } from '@latchkey/contracts';
import type { AppConfig } from '../../config/config.js';
import { listRoutes, type RouteAuth } from '../auth/route-catalog.js';
import { ZodValidationPipe } from '../validation/zod-validation.pipe.js';
import { contractComponents, jsonSchemaOf } from './json-schema.js';
import { DISCOVERY_SCHEMAS, DISCOVERY_RESPONSES } from './discovery-schemas.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
});

/** Any one of these authenticates a protected operation. */
const AUTHENTICATED = ['bearer', 'basic', 'apiKeyToken', 'opaqueHeader', 'opaqueQuery'].map(
  (scheme) => ({ [scheme]: [] }),
);

/** `UsersController` + `list` is `users.list`: stable, readable names for generated clients. */
export function operationId(controllerKey: string, methodKey: string): string {
  const resource = controllerKey.replace(/Controller$/, '').replace(/^OAuth/, 'Oauth');
  return `${resource.charAt(0).toLowerCase()}${resource.slice(1)}.${methodKey}`;
}

/** Public operations that take a credential of their own, and what they answer when it fails. */
const PUBLIC_CREDENTIAL_ERRORS: Record<string, Record<string, string>> = {
  'auth.login': { '401': 'Wrong login or password (invalid_credentials)' },
  'auth.loginMfa': { '401': 'Wrong, used or expired code or mfa_token' },
  'auth.refresh': {
    '401': 'No live refresh cookie: sign in again',
    '403': 'Origin (or Referer) is not PUBLIC_URL or one of CORS_ORIGINS',
  },
  'auth.logout': { '403': 'Origin (or Referer) is not PUBLIC_URL or one of CORS_ORIGINS' },
};

/** Operations that can meet a uniqueness rule or the last-admin rule. */
const CONFLICTS = new Set(['users.create', 'users.update', 'users.remove', 'users.updateMe']);
/** Operations no credential or rate limit is involved in. */
const UNTHROTTLED = new Set([
  'health.live',
  'health.ready',
  'discovery.jwks',
  'discovery.metadata',
]);

/** The OpenAPI 3.1 document, with each operation's auth requirement taken from its decorators. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const base = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Latchkey')
    .setDescription(
      'Token-based authentication server. Errors are application/problem+json (RFC 9457) with a machine-readable `code`.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
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
  const document = SwaggerModule.createDocument(app, base, {
    ignoreGlobalPrefix: false,
    operationIdFactory: operationId,
  });
  for (const route of listRoutes(app)) {
    const operation = document.paths[route.path]?.[route.method.toLowerCase() as 'get'];
    if (!operation) continue;
    describeParameters(operation, route);
    describeAuth(operation, route);
    describeErrors(operation, route);
    const discovery = DISCOVERY_RESPONSES[operation.operationId ?? ''];
    if (discovery) operation.responses = { ...operation.responses, ...discovery };
  }
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...(contractComponents() as Record<string, SchemaObject>),
      ...DISCOVERY_SCHEMAS,
      Problem: jsonSchemaOf(problemSchema, 'output') as SchemaObject,
    },
  };
  return document;
}

/** Every path parameter, and the query a zod contract validates, as OpenAPI parameters. */
function describeParameters(operation: OperationObject, route: RouteAuth): void {
  const parameters = new Map<string, ParameterObject>();
  for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
    parameters.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
    const userId = name === 'id' && route.path.startsWith('/api/v1/users/{id}');
    parameters.set(`path:${name}`, {
      ...parameters.get(`path:${name}`),
      name: name as string,
      in: 'path',
      required: true,
      description: userId ? 'A user id, or `me` for the caller' : 'An id (UUID)',
      schema: userId ? { type: 'string' } : { type: 'string', format: 'uuid' },
    });
  }
  const query = queryContract(route);
  if (query) {
    const json = jsonSchemaOf(query, 'input') as {
      properties?: Record<string, SchemaObject>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const declared = parameters.get(`query:${name}`);
      parameters.set(`query:${name}`, {
        ...declared,
        name,
        in: 'query',
        required: json.required?.includes(name) ?? false,
        schema,
        ...(declared?.description || schema.description
          ? { description: declared?.description ?? schema.description }
          : {}),
      });
    }
  }
  operation.parameters = [...parameters.values()];
}

/** The zod schema of a handler's whole `@Query()`, if it validates one. */
function queryContract(route: RouteAuth) {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handler) ??
    {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY || arg.data !== undefined) continue;
    const pipe = arg.pipes?.find((candidate) => candidate instanceof ZodValidationPipe);
    if (pipe) return (pipe as ZodValidationPipe<never>).schema;
  }
  return undefined;
}

function describeAuth(operation: OperationObject, route: RouteAuth): void {
  if (route.public) {
    operation.security = [];
    return;
  }
  operation.security = AUTHENTICATED;
  const needs = [
    ...(route.roles.length > 0 ? [`role ${route.roles.join(' or ')}`] : []),
    ...(route.scopes.length > 0 ? [`scopes ${route.scopes.join(', ')}`] : []),
    ...(route.othersScopes.length > 0
      ? [`for another user's credentials, role admin and scopes ${route.othersScopes.join(', ')}`]
      : []),
    ...(route.interactiveOnly ? ['a password or browser session, not a token'] : []),
  ];
  if (needs.length > 0) {
    operation.responses['403'] = problemResponse(`Needs ${needs.join('; ')}`);
    operation.description = [operation.description, `Requires ${needs.join('; ')}.`]
      .filter(Boolean)
      .join('\n\n');
  }
  Object.assign(operation, {
    'x-required-scopes': route.scopes,
    'x-required-roles': route.roles,
    ...(route.othersScopes.length > 0 ? { 'x-others-required-scopes': route.othersScopes } : {}),
  });
}

/** Every error an operation can answer, each as a Problem. */
function describeErrors(operation: OperationObject, route: RouteAuth): void {
  const id = operation.operationId ?? '';
  const errors: Record<string, string> = {
    '400': 'Malformed request (validation_failed, invalid_request)',
    ...PUBLIC_CREDENTIAL_ERRORS[id],
  };
  if (!route.public) errors['401'] = 'Missing, wrong or revoked credential';
  if (route.path.includes('{')) errors['404'] = 'Nothing has this id (not_found)';
  if (CONFLICTS.has(id)) errors['409'] = 'Login or email taken, or the last admin (conflict)';
  if (!UNTHROTTLED.has(id))
    errors['429'] = 'Too many failed attempts (rate_limited); see Retry-After';
  errors['503'] =
    'The database cannot be reached, or too many password checks are under way (unavailable); see Retry-After';
  for (const [status, description] of Object.entries(errors)) {
    operation.responses[status] ??= problemResponse(description);
    const existing = operation.responses[status] as { content?: unknown };
    if (!existing.content) operation.responses[status] = problemResponse(description);
  }
}

/** Where Swagger UI is served, outside the API's prefix. */
export const DOCS_PATH = 'api/docs';

export function setupOpenApi(app: INestApplication, config: AppConfig): void {
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'api/v1/openapi.json',
    yamlDocumentUrl: 'api/v1/openapi.yaml',
  });
}
