import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestApp } from './support/test-app.js';

const REDOCLY = join(import.meta.dirname, '../../../node_modules/@redocly/cli/bin/cli.js');

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: unknown[];
}

/** `redocly lint` (its recommended rules) on a document: the exit code and what it printed. */
function lint(file: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [REDOCLY, 'lint', file, '--format=stylish'], {
    env: {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('the OpenAPI document, for client generators', () => {
  const t = useTestApp();
  let scratch: string;
  let document: { paths: Record<string, Record<string, Operation>>; components: any };
  let operations: { path: string; method: string; operation: Operation }[];
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'latchkey-openapi-'));
    document = (await t.http.get('/api/v1/openapi.json')).body;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('passes redocly lint without errors, and the lint does fail a broken document', async () => {
    const served = join(scratch, 'openapi.json');
    await writeFile(served, JSON.stringify(document));
    const result = await lint(served);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });

    // A dangling $ref, as a document that names a schema it does not define would have.
    const broken = JSON.parse(
      JSON.stringify(document).replace(
        '"#/components/schemas/User"',
        '"#/components/schemas/NoSuchSchema"',
      ),
    );
    await writeFile(served, JSON.stringify(broken));
    expect((await lint(served)).code).not.toBe(0);
  }, 60_000);

  it('names every operation resource.action, once', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/api/v1/users']?.get?.operationId).toBe('users.list');
    expect(document.paths['/api/v1/oauth/token']?.post?.operationId).toBe('oauth.token');
  });

  it('declares every path parameter and the query parameters the contracts validate', () => {
    for (const { path, operation } of operations) {
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect({ path, params: declared.map((p) => p.name).sort() }).toEqual({
        path,
        params: [...inPath].sort(),
      });
      for (const parameter of declared) expect(parameter.required).toBe(true);
    }
    const query = (path: string, method: string) =>
      (document.paths[path]?.[method]?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
    expect(query('/api/v1/users', 'get')).toEqual([
      'disabled',
      'kind',
      'page',
      'pageSize',
      'q',
      'role',
      'sort',
    ]);
    expect(query('/api/v1/audit-events', 'get')).toEqual([
      'actorId',
      'before',
      'from',
      'ip',
      'limit',
      'to',
      'type',
      'userId',
    ]);
  });

  it('describes every error as a Problem: 401, 403, 404, 409, 429 where they can happen', () => {
    for (const { path, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect({ path, status, schema: operation.responses[status]?.content }).toEqual({
          path,
          status,
          schema: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          },
        });
      }
      if ((operation.security ?? []).length > 0)
        expect(statuses).toEqual(expect.arrayContaining(['401', '429']));
      if (path.includes('{')) expect(statuses).toContain('404');
    }
    expect(Object.keys(document.paths['/api/v1/users']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '401', '403', '409', '429']),
    );
  });

  it('refers to named component schemas from the contracts, and describes JWKS, metadata and health', () => {
    const schemaOf = (path: string, method: string, status: string) =>
      document.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
    expect(schemaOf('/api/v1/users/{id}', 'get', '200')).toEqual({
      $ref: '#/components/schemas/User',
    });
    expect(schemaOf('/.well-known/jwks.json', 'get', '200')).toEqual({
      $ref: '#/components/schemas/Jwks',
    });
    expect(schemaOf('/.well-known/oauth-authorization-server', 'get', '200')).toEqual({
      $ref: '#/components/schemas/AuthorizationServerMetadata',
    });
    expect(schemaOf('/healthz', 'get', '200')).toEqual({ $ref: '#/components/schemas/Health' });
    expect(schemaOf('/readyz', 'get', '200')).toEqual({ $ref: '#/components/schemas/Readiness' });
    for (const name of [
      'User',
      'Problem',
      'Jwks',
      'Jwk',
      'LoginResponse',
      'PersonalAccessTokenCreated',
    ]) {
      expect(document.components.schemas).toHaveProperty(name);
    }
    expect(document.components.schemas.User.properties).toHaveProperty('login');
  });
});
