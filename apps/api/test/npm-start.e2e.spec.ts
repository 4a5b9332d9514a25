import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../src/database/embedded-postgres.js';
import { HttpClient } from './support/http-client.js';

const WORKSPACE = join(import.meta.dirname, '../../..');
const READY_WITHIN_MS = 60_000;
const CTRL_C = '\x03';

/** The environment of a person's terminal: none of the variables the outer Nx or CI sets. */
function terminalEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(NX_|CI$|JEST_|DATABASE_URL$|LATCHKEY_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, TERM: 'xterm-256color', NX_NO_CLOUD: 'true', ...extra };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start in a terminal', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-npm-start-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('reaches /readyz with no input, shows the first admin password, and stops on Ctrl-C', async () => {
    const port = await findFreePort();
    // script(1) gives npm a pseudo-terminal, as a person's shell does; nothing is typed into it.
    const child = spawn('script', ['-qec', 'npm start', '/dev/null'], {
      cwd: WORKSPACE,
      env: terminalEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const http = new HttpClient(`http://127.0.0.1:${port}`);
    try {
      const started = Date.now();
      let ready = false;
      while (!ready && Date.now() - started < READY_WITHIN_MS && child.exitCode === null) {
        ready = (await http.get('/readyz').catch(() => null))?.status === 200;
        if (!ready) await sleep(500);
      }
      if (!ready) throw new Error(`npm start was not ready within 60 s:\n${output}`);

      const password = /password: (\S+)/.exec(output)?.[1];
      expect(password).toBeDefined();
      const me = await http.get('/api/v1/users/me', { basic: ['admin', password as string] });
      expect(me.status).toBe(200);
      expect(output).not.toMatch(/Share usage data|Performance Report/i);

      // Ctrl-C reaches npm and the server alike, as in a shell; npm reports it as 130.
      child.stdin.write(CTRL_C);
      expect([0, 130]).toContain(await exited);
      expect(output).toContain('SIGINT received: stopping');
      expect(await http.get('/healthz').catch(() => null)).toBeNull();
      // The embedded PostgreSQL was stopped, not left running: it removes its pid file.
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      if (child.exitCode === null) {
        child.stdin.write(CTRL_C);
        child.kill('SIGKILL');
      }
    }
  }, 180_000);
});
