import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, useTestApp } from './support/test-app.js';

/**
 * The OpenAPI document through openapi-typescript with its default settings, and a small program
 * on openapi-fetch that uses the generated types: it must compile (tsc, strict) and call the
 * server. Fields with a default must stay optional in the request types.
 */
const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'node_modules/.bin');

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

const PROGRAM = `import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const client = createClient<paths>({
  baseUrl: process.env.LATCHKEY_URL,
  headers: { authorization: process.env.LATCHKEY_BASIC ?? '' },
});

// rateLimit and the other fields with a default are left out, as a client may.
const created = await client.POST('/api/v1/personal-access-tokens', {
  body: { name: 'typed client', scopes: ['profile:read'], expiresAt: null },
});
if (!created.data) throw new Error(\`not created: \${created.response.status}\`);
const token: string = created.data.token;

const me = await client.GET('/api/v1/users/me', {
  headers: { authorization: \`Bearer \${token}\` },
});
if (!me.data) throw new Error(\`not me: \${me.response.status}\`);
const login: string = me.data.login;
console.log(JSON.stringify({ login, authMethod: me.data.authMethod }));
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: 'out',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2023',
    lib: ['es2023', 'dom'],
    types: ['node'],
    skipLibCheck: true,
  },
  files: ['client.ts'],
};

describe('a typed client generated from the OpenAPI document', () => {
  const t = useTestApp();
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'latchkey-typed-client-'));
    await symlink(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(join(scratch, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await writeFile(join(scratch, 'client.ts'), PROGRAM);
    await writeFile(
      join(scratch, 'openapi.json'),
      JSON.stringify((await t.http.get('/api/v1/openapi.json')).body),
    );
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('generates with openapi-typescript defaults, compiles with tsc and calls the server', async () => {
    const generated = await run(
      join(BIN, 'openapi-typescript'),
      ['openapi.json', '-o', 'schema.d.ts'],
      scratch,
    );
    expect(generated).toMatchObject({ code: 0 });
    const compiled = await run(join(BIN, 'tsc'), ['-p', 'tsconfig.json'], scratch);
    expect(compiled).toEqual({ code: 0, output: '' });
    const called = await run(process.execPath, ['out/client.js'], scratch, {
      LATCHKEY_URL: t.http.baseUrl,
      LATCHKEY_BASIC: `Basic ${Buffer.from(ADMIN.join(':')).toString('base64')}`,
    });
    expect(called).toMatchObject({ code: 0 });
    expect(JSON.parse(called.output.trim().split('\n').pop() ?? '')).toEqual({
      login: ADMIN[0],
      authMethod: 'personal_access_token',
    });
  }, 120_000);
});
