import { Writable } from 'node:stream';
import { pino } from 'pino';
import { PinoNestLogger } from './logger.js';

function capture(level: 'info' | 'debug'): {
  lines: () => Record<string, unknown>[];
  logger: PinoNestLogger;
} {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const root = pino({ level, base: undefined }, destination);
  return {
    logger: new PinoNestLogger(root),
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('PinoNestLogger', () => {
  it('writes a Nest line with its context, and Nest’s start-up chatter at debug only', async () => {
    const { logger, lines } = capture('info');
    logger.log('Mapped {/api/v1/users/me, GET} route', 'RouterExplorer');
    logger.warn('change feed lost', 'ChangeFeed');
    logger.log('Created the first admin', 'BootstrapAdmin');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual([
      expect.objectContaining({ level: 40, context: 'ChangeFeed', msg: 'change feed lost' }),
      expect.objectContaining({
        level: 30,
        context: 'BootstrapAdmin',
        msg: 'Created the first admin',
      }),
    ]);
  });

  it('keeps the fields of an object message, as the problem filter’s request id', async () => {
    const { logger, lines } = capture('debug');
    logger.error({ reqId: 'req-7', msg: 'Error: boom' }, 'Problem');
    logger.log('Nest application successfully started', 'NestApplication');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 50,
        context: 'Problem',
        reqId: 'req-7',
        msg: 'Error: boom',
      }),
      expect.objectContaining({ level: 20, context: 'NestApplication' }),
    ]);
  });
});
