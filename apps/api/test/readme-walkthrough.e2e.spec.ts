import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { AUDIT_EVENT_TYPES } from '@latchkey/contracts';
import { createFreshDatabase } from './support/database-urls.js';
import {
  announceExpectedStatuses,
  walkthroughBlocks,
  walkthroughScript,
  walkthroughText,
} from './support/readme-walkthrough.js';
import { startServer, stopServer } from './support/server-process.js';

const README = join(import.meta.dirname, '../../../README.md');

function runBash(
  script: string,
  stdin: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the README walkthrough', () => {
  let readme: string;
  let scratch: string;
  beforeAll(async () => {
    readme = await readFile(README, 'utf8');
    scratch = await mkdtemp(join(tmpdir(), 'latchkey-readme-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('marks the curl of each command announced to fail, across continuation lines', () => {
    expect(
      announceExpectedStatuses(
        [
          'X=$(curl -sS -u a:b \\',
          '  "$LATCHKEY/x" | jq -r .id)   # -> 401',
          'curl -sS "$LATCHKEY/y"',
          'curl -sS "$LATCHKEY/z"   # -> 403',
        ].join('\n'),
      ).split('\n'),
    ).toEqual([
      'X=$(LK_EXPECT=401 curl -sS -u a:b \\',
      '  "$LATCHKEY/x" | jq -r .id)   # -> 401',
      'curl -sS "$LATCHKEY/y"',
      'LK_EXPECT=403 curl -sS "$LATCHKEY/z"   # -> 403',
    ]);
  });

  it('lists every audit event type there is', () => {
    const text = walkthroughText(readme);
    const missing = AUDIT_EVENT_TYPES.filter((type) => !text.includes(`\`${type}\``));
    expect(missing).toEqual([]);
  });

  it('runs top to bottom as written against a fresh server, every status as announced', async () => {
    const blocks = walkthroughBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const database = await createFreshDatabase({ migrated: false });
    const server = await startServer(join(scratch, 'data'), {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
    });
    try {
      // As a reader does: the one-time password from the server's output, typed at the prompt.
      const adminPassword = /password: (\S+)/.exec(server.output())?.[1];
      expect(adminPassword).toBeDefined();
      const port = new URL(server.http.baseUrl).port;
      const script = join(scratch, 'walkthrough.sh');
      await writeFile(script, walkthroughScript(readme, `http://localhost:${port}`));

      const run = await runBash(script, `${adminPassword}\n`, {
        PATH: process.env.PATH ?? '',
        HOME: scratch,
        TMPDIR: scratch,
      });
      if (run.code !== 0) throw new Error(`exit ${run.code}\n${run.stderr}\n${run.stdout}`);
      expect(run.stdout).toContain(`README walkthrough: ${blocks.length} blocks done`);

      // The checking can fail: an unannounced 404, and an announced 401 that is a 200.
      for (const command of [
        'curl -sS "$LATCHKEY/api/v1/no-such-thing"',
        'curl -sS "$LATCHKEY/healthz"   # -> 401',
      ]) {
        const fake = [
          '<!-- readme-walkthrough:start -->',
          '```bash\nexport LATCHKEY=http://localhost:3000\n' + command + '\n```',
          '<!-- readme-walkthrough:end -->',
        ].join('\n');
        await writeFile(script, walkthroughScript(fake, `http://localhost:${port}`));
        const failed = await runBash(script, '', { PATH: process.env.PATH ?? '' });
        expect(failed.code).not.toBe(0);
        expect(failed.stderr).toMatch(
          /HTTP (404, which the README does not announce|200, where the README announces 401)/,
        );
      }

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const users = await client.query<{ login: string; disabled: boolean }>(
          'SELECT login, disabled_at IS NOT NULL AS disabled FROM users ORDER BY login',
        );
        expect(users.rows).toEqual([
          { login: 'admin', disabled: false },
          { login: 'alice', disabled: false },
          { login: 'bob', disabled: true },
        ]);
        const types = await client.query<{ type: string }>(
          'SELECT DISTINCT type FROM audit_events ORDER BY type',
        );
        expect(types.rows.map((row) => row.type)).toEqual(
          expect.arrayContaining([
            'user.created',
            'login.succeeded',
            'session.revoked',
            'token.created',
            'token.revoked',
            'api_key.created',
            'api_key.secret_rotated',
            'password.changed',
            'user.disabled',
          ]),
        );
      } finally {
        await client.end();
      }
    } finally {
      await stopServer(server);
      await database.drop();
    }
  }, 180_000);
});
