import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';

export const README = join(import.meta.dirname, '../../../../README.md');

/**
 * The first fenced block of `language` in the README that follows `heading` (a line of text
 * just before it), as the README prints it.
 */
export function readmeBlock(heading: string, language: string): string {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`the README has no "${heading}"`);
  const fence = `\`\`\`${language}\n`;
  const start = text.indexOf(fence, at);
  if (start < 0) throw new Error(`no ${language} block after "${heading}" in the README`);
  const end = text.indexOf('\n```', start + fence.length);
  return text.slice(start + fence.length, end + 1);
}

/** The first of these paths that exists: Debian installs its daemons in one of them. */
export function installed(name: string): string {
  const found = [`/usr/sbin/${name}`, `/usr/bin/${name}`].find((path) => existsSync(path));
  if (!found) throw new Error(`${name} is not installed: apt-get install it (see .ci/run)`);
  return found;
}

export async function waitForPort(port: number, what: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${port}:\n${what()}`);
}

/** A daemon the test started, with what it printed. */
export interface Daemon {
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function startDaemon(command: string, args: string[], env = process.env): Daemon {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The protected app: answers every request with the headers it received, as JSON. */
export async function startEchoApp(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

export interface ProxiedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A GET to the proxy from one loopback address (127.0.0.x), as a distinct client. */
export function getFrom(
  localAddress: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers, localAddress },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
