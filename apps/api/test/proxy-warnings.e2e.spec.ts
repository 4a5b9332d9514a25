import { Writable } from 'node:stream';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Behind a proxy without TRUST_PROXY every caller shares the proxy's address: say so. */
const WARNING = 'TRUST_PROXY is not set';

function capture(): { sink: Writable; lines: () => string[] } {
  let log = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log += String(chunk);
      done();
    },
  });
  return { sink, lines: () => log.split('\n').filter((line) => line.includes(WARNING)) };
}

describe('TRUST_PROXY unset', () => {
  it.each([
    ['a public PUBLIC_URL', { PUBLIC_URL: 'https://auth.example.test' }, 1],
    ['a loopback PUBLIC_URL', { PUBLIC_URL: 'http://localhost:3000' }, 0],
    ['TRUST_PROXY set', { PUBLIC_URL: 'https://auth.example.test', TRUST_PROXY: '10.0.0.1' }, 0],
  ])('start-up with %s', async (_case, env, count) => {
    const { sink, lines } = capture();
    const t = await startTestApp({ ...env, LOG_LEVEL: 'warn' }, { logDestination: sink });
    await t.close();
    expect(lines()).toHaveLength(count);
  });

  it('warns once at run time when requests carry X-Forwarded-For, naming the variable', async () => {
    const { sink, lines } = capture();
    const t: TestApp = await startTestApp(
      { PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'warn' },
      { logDestination: sink },
    );
    try {
      expect((await t.http.get('/healthz')).status).toBe(200);
      expect(lines()).toEqual([]);
      for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        expect((await t.http.get('/healthz', { headers: { 'x-forwarded-for': ip } })).status).toBe(
          200,
        );
      }
      expect(lines()).toHaveLength(1);
      expect(lines()[0]).toContain('X-Forwarded-For');
    } finally {
      await t.close();
    }
  });

  it('stays quiet when TRUST_PROXY is set', async () => {
    const { sink, lines } = capture();
    const t = await startTestApp(
      { PUBLIC_URL: 'http://localhost:3000', TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'warn' },
      { logDestination: sink },
    );
    try {
      await t.http.get('/healthz', { headers: { 'x-forwarded-for': '203.0.113.1' } });
      expect(lines()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
