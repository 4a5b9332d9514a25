import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, startServer, stopServer } from './support/server-process.js';

describe('the server process (npm start)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-server-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts on an embedded PostgreSQL, prints the generated admin password once, keeps users across restarts, and stops cleanly', async () => {
    const first = await startServer(dataDir, { LOG_LEVEL: 'info' });
    const password = /password: (\S+)/.exec(first.output())?.[1];
    expect(password).toBeDefined();
    const admin: [string, string] = ['admin', password as string];

    const me = await first.http.get('/api/v1/users/me', { basic: admin });
    expect(me.status).toBe(200);
    expect(me.body.login).toBe('admin');
    const created = await first.http.post('/api/v1/users', {
      basic: admin,
      body: {
        login: 'persisted',
        email: 'persisted@example.test',
        password: 'persisted pass phrase',
      },
    });
    expect(created.status).toBe(201);
    await first.http.get('/api/v1/users/me?auth_token=lkt_secret_in_query', {
      headers: { 'x-auth-token': 'lkt_secret_in_header' },
    });

    expect(await stopServer(first)).toBe(0);
    const logs = first.output();
    expect(logs).toContain('"path":"/api/v1/users/me?auth_token=[redacted]"');
    // Nest's start-up narration is at debug: at info a first start ends with the URL and the box.
    expect(logs).not.toContain('RouterExplorer');
    expect(logs).not.toContain('InstanceLoader');
    for (const secret of [
      Buffer.from(`admin:${password}`).toString('base64'),
      'lkt_secret_in_query',
      'lkt_secret_in_header',
      'persisted pass phrase',
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs.split(password as string)).toHaveLength(2);

    const second = await startServer(dataDir);
    try {
      expect(second.output()).not.toContain('password:');
      const again = await second.http.get('/api/v1/users/me', {
        basic: ['persisted', 'persisted pass phrase'],
      });
      expect(again.status).toBe(200);
    } finally {
      expect(await stopServer(second)).toBe(0);
    }
  }, 120_000);

  it('refuses to start on a bad setting and names the variable', async () => {
    for (const [name, value] of [
      ['PORT', 'abc'],
      ['JWT_SECRET', 'short'],
    ] as const) {
      const child = spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, [name]: value },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr?.on('data', (chunk) => (output += String(chunk)));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`${name}:`);
    }
    // Two processes start in turn: under load each can take well over ten seconds.
  }, 90_000);
});
