// One HTTP request at a time, for setting up and for the sequential measurements (revocation).
// The load itself is autocannon's.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';

export const HOST = '127.0.0.1';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export function basic(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * One request; resolves to { status, headers, body, ms }, rejects on a network error. `json` is
 * sent as JSON, `form` as application/x-www-form-urlencoded; JSON answers are parsed.
 */
export function call(base, method, path, { headers = {}, json, form, timeoutMs = 30_000 } = {}) {
  const sent = { ...headers };
  let payload;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    sent['content-type'] = 'application/json';
  } else if (form !== undefined) {
    payload = new URLSearchParams(form).toString();
    sent['content-type'] = 'application/x-www-form-urlencoded';
  }
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method, headers: sent, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // Not JSON: the text as it came.
        }
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body,
          ms: performance.now() - started,
        });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like `call`, but anything other than `status` is an error that says what came back. */
export async function expect(status, base, method, path, options) {
  const res = await call(base, method, path, options);
  if (res.status !== status) {
    const detail = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
    throw new Error(`${method} ${path} answered ${res.status}, not ${status}: ${detail}`);
  }
  return res;
}

/** The value of a cookie in Set-Cookie headers (a raw [name, value, …] list or Node's object). */
export function cookieValue(setCookie, name) {
  for (const line of [setCookie ?? []].flat()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    if (pair.slice(0, at).trim() === name) return pair.slice(at + 1);
  }
  return undefined;
}

export function closeConnections() {
  agent.destroy();
}
