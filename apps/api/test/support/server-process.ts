import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { HttpClient } from './http-client.js';

/** The built server, as `npm start` runs it. */
export const MAIN = join(import.meta.dirname, '../../dist/main.js');

export interface Server {
  process: ChildProcess;
  output: () => string;
  http: HttpClient;
}

/**
 * `node dist/main.js` as `npm start` runs it, in its own process: with no DATABASE_URL in `env`,
 * on an embedded PostgreSQL under `dataDir`.
 */
export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<Server> {
  const port = await findFreePort();
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    PORT: String(port),
    ...env,
  };
  const child = spawn(process.execPath, [MAIN], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const http = new HttpClient(`http://127.0.0.1:${port}`);
  for (let attempt = 0; attempt < 120; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    const ready = await http.get('/readyz').catch(() => null);
    if (ready?.status === 200) return { process: child, output: () => output, http };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not become ready:\n${output}`);
}

export function stopServer(server: Server): Promise<number | null> {
  return new Promise((resolve) => {
    server.process.once('exit', (code) => resolve(code));
    server.process.kill('SIGTERM');
  });
}
