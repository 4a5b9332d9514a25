import { jest } from '@jest/globals';
import { LastUsedBuffer, type LastUse } from './last-used-buffer.js';

describe('LastUsedBuffer', () => {
  it('writes one entry per credential, the latest use, in one batch', async () => {
    const write = jest.fn(async (_: LastUse[]) => undefined);
    const buffer = new LastUsedBuffer('tokens', write, 60_000);
    buffer.touch('a', '10.0.0.1');
    buffer.touch('b', null);
    buffer.touch('a', '10.0.0.2');
    await buffer.flush();
    expect(write).toHaveBeenCalledTimes(1);
    const uses = write.mock.calls[0]?.[0] ?? [];
    expect(uses.map(({ id, ip }) => [id, ip])).toEqual([
      ['a', '10.0.0.2'],
      ['b', null],
    ]);
    await buffer.flush();
    expect(write).toHaveBeenCalledTimes(1);
    await buffer.onModuleDestroy();
  });

  it('keeps what it could not write for the next flush', async () => {
    const write = jest
      .fn(async (_: LastUse[]) => undefined)
      .mockRejectedValueOnce(new Error('database away'));
    const buffer = new LastUsedBuffer('tokens', write, 60_000);
    buffer.touch('a', '10.0.0.1');
    await buffer.flush();
    await buffer.onModuleDestroy();
    expect(write).toHaveBeenCalledTimes(2);
    expect(write.mock.calls[1]?.[0].map((use) => use.id)).toEqual(['a']);
  });
});
