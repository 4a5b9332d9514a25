import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS, redactUrl } from './logger-options.js';

describe('log redaction', () => {
  it('replaces token query parameters wherever they stand', () => {
    expect(redactUrl('/api/v1/users/me?auth_token=lkt_secret&x=1')).toBe(
      '/api/v1/users/me?auth_token=[Redacted]&x=1',
    );
    expect(redactUrl('/a?x=1&AUTH_TOKEN=lkt_secret')).toBe('/a?x=1&AUTH_TOKEN=[Redacted]');
  });

  it('writes no credential header or secret body field', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } }, sink);
    logger.info({
      req: {
        headers: {
          authorization: 'Basic c2VjcmV0',
          cookie: 'lk_refresh=lkr_x',
          'x-auth-token': 'lkt_y',
        },
      },
      body: { password: 'hunter2hunter2', token: 'lkt_z' },
    });
    const written = lines.join('');
    for (const secret of ['c2VjcmV0', 'lkr_x', 'lkt_y', 'hunter2hunter2', 'lkt_z']) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain('[Redacted]');
  });
});
