import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { parseConfig } from '../src/config/config.js';
import { createFreshDatabase } from './support/database-urls.js';
import { HttpClient } from './support/http-client.js';
import { ADMIN, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD } from './support/test-app.js';

const CLI = join(import.meta.dirname, '../dist/cli/main.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as `npm run cli --` runs it, against this file's database. */
function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `name: value` lines of the CLI's output. */
function field(output: string, name: string): string {
  const value = new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(output)?.[1];
  if (!value) throw new Error(`no ${name} in:\n${output}`);
  return value;
}

describe('the CLI (npm run cli)', () => {
  let env: Record<string, string>;
  let app: NestFastifyApplication;
  let http: HttpClient;
  let sql: (query: string, parameters?: unknown[]) => Promise<Record<string, any>[]>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createFreshDatabase();
    drop = database.drop;
    env = {
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      ENCRYPTION_KEY: 'test-encryption-key-of-at-least-32-chars',
      BOOTSTRAP_ADMIN_LOGIN: TEST_ADMIN_LOGIN,
      BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    };
    // A running server on the same database: what the CLI does must reach it at once.
    app = await createApp({ config: parseConfig(env), databaseUrl: database.url });
    await app.listen({ port: 0, host: '127.0.0.1' });
    http = new HttpClient(
      `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
    );
    const dataSource = app.get(DataSource);
    sql = (query, parameters) => dataSource.query(query, parameters);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await drop();
  });

  it('prints usage with --help and refuses an unknown command with exit code 2', async () => {
    const help = await cli(env, '--help');
    expect(help.code).toBe(0);
    for (const command of [
      'create-user',
      'create-admin',
      'create-api-key',
      'rotate-api-secret',
      'revoke-token',
      'rotate-signing-keys',
    ]) {
      expect(help.stdout).toContain(command);
    }
    const unknown = await cli(env, 'make-coffee');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "make-coffee"');
    const badOption = await cli(env, 'create-user', '--colour', 'blue');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--colour');
  }, 60_000);

  it('creates a user with a generated password printed once, and an admin', async () => {
    const user = await cli(
      env,
      'create-user',
      '--login',
      'cli-user',
      '--email',
      'cli@example.test',
    );
    expect(user.code).toBe(0);
    const password = field(user.stdout, 'password');
    expect(user.stdout.split(password)).toHaveLength(2);
    expect((await http.get('/api/v1/users/me', { basic: ['cli-user', password] })).status).toBe(
      200,
    );

    const admin = await cli(
      env,
      'create-admin',
      '--login',
      'cli-admin',
      '--email',
      'cli-admin@example.test',
      '--password',
      'a long admin pass phrase',
    );
    expect(admin.code).toBe(0);
    expect(admin.stdout).not.toContain('password:');
    const [row] = await sql('SELECT roles FROM users WHERE login = $1', ['cli-admin']);
    expect(row?.roles).toEqual(['admin']);
    const taken = await cli(env, 'create-user', '--login', 'CLI-USER', '--email', 'x@example.test');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already taken');
    const missing = await cli(env, 'create-user', '--email', 'y@example.test');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--login is required');
  }, 60_000);

  it('prints one JSON object and nothing else on stdout with --json, through npm run -s cli', async () => {
    const child = spawn(
      'npm',
      [
        'run',
        '-s',
        'cli',
        '--',
        'create-user',
        '--json',
        '--login',
        'json-user',
        '--email',
        'json-user@example.test',
      ],
      {
        cwd: join(import.meta.dirname, '../../..'),
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const created = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(created).sort()).toEqual(['id', 'login', 'password', 'roles']);
    expect(created).toMatchObject({ login: 'json-user', roles: ['user'] });
    const me = await http.get('/api/v1/users/me', {
      basic: ['json-user', created.password as string],
    });
    expect(me.body).toMatchObject({ id: created.id, login: 'json-user' });
  }, 120_000);

  it('creates an API key, rotates its secret and revokes it, reaching the running server at once', async () => {
    const created = await cli(
      env,
      'create-api-key',
      '--user',
      'cli-user',
      '--scopes',
      'profile:read',
    );
    expect(created.code).toBe(0);
    const apiKey = field(created.stdout, 'apiKey');
    const apiSecret = field(created.stdout, 'apiSecret');
    const [row] = await sql('SELECT secret_hash, scopes FROM credentials WHERE lookup = $1', [
      apiKey,
    ]);
    expect(
      (row?.secret_hash as Buffer).equals(createHash('sha256').update(apiSecret).digest()),
    ).toBe(true);
    expect(row?.scopes).toEqual(['profile:read']);
    const me = await http.get('/api/v1/users/me', {
      authorization: `token ${apiKey}:${apiSecret}`,
    });
    expect(me.body).toMatchObject({ login: 'cli-user', authMethod: 'api_key' });

    const rotated = await cli(env, 'rotate-api-secret', apiKey);
    expect(rotated.code).toBe(0);
    const newSecret = field(rotated.stdout, 'apiSecret');
    expect(
      (await http.get('/api/v1/users/me', { authorization: `token ${apiKey}:${apiSecret}` }))
        .status,
    ).toBe(401);
    expect(
      (await http.get('/api/v1/users/me', { authorization: `token ${apiKey}:${newSecret}` }))
        .status,
    ).toBe(200);

    const revoked = await cli(env, 'revoke-token', apiKey);
    expect(revoked.code).toBe(0);
    expect(
      (await http.get('/api/v1/users/me', { authorization: `token ${apiKey}:${newSecret}` }))
        .status,
    ).toBe(401);
    const again = await cli(env, 'revoke-token', apiKey);
    expect(again.code).toBe(1);
    const unknownUser = await cli(env, 'create-api-key', '--user', 'nobody-here');
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toContain('nobody-here');
  }, 60_000);

  it('revokes a personal access token by value and an opaque token by id', async () => {
    const pat = await http.post('/api/v1/personal-access-tokens', {
      basic: ADMIN,
      body: { name: 'to revoke', scopes: ['profile:read'], expiresAt: null },
    });
    const opaque = await http.get('/api/v1/auth/token', { basic: ADMIN });
    const [opaqueRow] = await sql(
      "SELECT id FROM credentials WHERE kind = 'opaque_token' ORDER BY created_at DESC LIMIT 1",
    );
    expect((await http.get('/api/v1/users/me', { bearer: pat.body.token })).status).toBe(200);

    expect((await cli(env, 'revoke-token', pat.body.token)).code).toBe(0);
    expect((await cli(env, 'revoke-token', opaqueRow?.id as string)).code).toBe(0);
    expect((await http.get('/api/v1/users/me', { bearer: pat.body.token })).status).toBe(401);
    expect(
      (
        await http.get('/api/v1/users/me', {
          headers: { 'x-auth-token': opaque.body.access_token },
        })
      ).status,
    ).toBe(401);
  }, 60_000);

  it('rotates a personal access token with an overlap, and disables and enables it', async () => {
    const pat = await http.post('/api/v1/personal-access-tokens', {
      basic: ADMIN,
      body: { name: 'cli rotate', scopes: ['profile:read'], expiresAt: null },
    });
    const rotated = await cli(env, 'rotate-token', pat.body.id, '--overlap', '3600');
    expect(rotated.code).toBe(0);
    const token = field(rotated.stdout, 'token');
    const id = field(rotated.stdout, 'id');
    // The old token works during the overlap; the new one at once.
    expect((await http.get('/api/v1/users/me', { bearer: pat.body.token })).status).toBe(200);
    expect((await http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
    const [old] = await sql('SELECT revoked_reason FROM credentials WHERE id = $1', [pat.body.id]);
    expect(old?.revoked_reason).toBe('rotated');

    expect((await cli(env, 'disable-token', id)).code).toBe(0);
    expect((await http.get('/api/v1/users/me', { bearer: token })).status).toBe(401);
    expect((await cli(env, 'disable-token', id, '--enable')).code).toBe(0);
    expect((await http.get('/api/v1/users/me', { bearer: token })).status).toBe(200);
    const audited = await sql(
      "SELECT type, actor_id, actor_login FROM audit_events WHERE type IN ('token.rotated', 'token.updated') AND details->>'id' IN ($1, $2)",
      [pat.body.id, id],
    );
    expect(audited.map((event) => event.type).sort()).toEqual([
      'token.rotated',
      'token.updated',
      'token.updated',
    ]);
    // The CLI names its actor: "cli" and the operating-system user who ran it.
    expect(new Set(audited.map((event) => `${event.actor_id}|${event.actor_login}`))).toEqual(
      new Set([`null|cli:${userInfo().username}`]),
    );

    const tooLong = await cli(env, 'rotate-token', id, '--overlap', '604801');
    expect(tooLong.code).toBe(2);
    const unknown = await cli(env, 'disable-token', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(1);
  }, 60_000);

  it('resets a lost password, printed once, and ends the sessions of its user', async () => {
    const created = await http.post('/api/v1/users', {
      basic: ADMIN,
      body: { login: 'forgetful', email: 'forgetful@example.test', generatePassword: true },
    });
    expect(created.status).toBe(201);
    const reset = await cli(env, 'reset-password', '--user', 'forgetful', '--must-change');
    expect(reset.code).toBe(0);
    const password = field(reset.stdout, 'password');
    expect(reset.stdout).toContain('(shown only once)');
    expect(
      (await http.get('/api/v1/users/me', { basic: ['forgetful', created.body.password] })).status,
    ).toBe(401);
    const me = await http.get('/api/v1/users/me', { basic: ['forgetful', password] });
    expect(me.body.passwordChangeRequired).toBe(true);
    const [event] = await sql(
      "SELECT actor_id, actor_login, details FROM audit_events WHERE type = 'password.changed' AND subject_id = $1",
      [created.body.id],
    );
    expect(event).toMatchObject({
      actor_id: null,
      actor_login: `cli:${userInfo().username}`,
      details: { reset: true, mustChange: true },
    });
  }, 120_000);

  it('creates, lists and disables a service account; its API key stops at once', async () => {
    const created = await cli(env, 'create-service-account', '--login', 'cli-svc');
    expect(created.code).toBe(0);
    const id = field(created.stdout, 'id');
    const [row] = await sql('SELECT kind, roles FROM users WHERE id = $1', [id]);
    expect(row).toEqual({ kind: 'service', roles: ['verifier'] });

    const listed = await cli(env, 'list-service-accounts');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`cli-svc ${id} verifier enabled`);

    const key = await cli(env, 'create-api-key', '--user', 'cli-svc', '--scopes', 'events:read');
    expect(key.code).toBe(0);
    const authorization = `token ${field(key.stdout, 'apiKey')}:${field(key.stdout, 'apiSecret')}`;
    const poll = () =>
      http.post('/api/v1/events/poll', { authorization, body: { returnImmediately: true } });
    expect((await poll()).status).toBe(200);

    const disabled = await cli(env, 'disable-service-account', 'cli-svc');
    expect(disabled.code).toBe(0);
    expect((await poll()).status).toBe(401);
    const [after] = await sql('SELECT disabled_at FROM users WHERE id = $1', [id]);
    expect(after?.disabled_at).not.toBeNull();

    const person = await cli(env, 'disable-service-account', TEST_ADMIN_LOGIN);
    expect(person.code).toBe(1);
    // Five CLI processes, each booting Nest on a 2-core machine.
  }, 180_000);

  it('rotates the signing keys; the new key is published', async () => {
    const res = await cli(env, 'rotate-signing-keys');
    expect(res.code).toBe(0);
    const kid = field(res.stdout, 'kid');
    const [active] = await sql('SELECT kid FROM signing_keys WHERE retired_at IS NULL');
    expect(active?.kid).toBe(kid);
    const jwks = await http.get('/.well-known/jwks.json');
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(kid);
  }, 60_000);
});
