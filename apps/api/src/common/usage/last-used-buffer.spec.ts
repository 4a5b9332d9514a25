import { jest } from '@jest/globals';
import { UsageBuffer, type UsageBatch } from './last-used-buffer.js';

function writer() {
  return { writeUsage: jest.fn(async (_: UsageBatch) => undefined) };
}

describe('UsageBuffer', () => {
  it('writes one last use per credential, the latest, and counts per hour, in one batch', async () => {
    const sink = writer();
    const buffer = new UsageBuffer(sink, 60_000);
    buffer.touch('a', '10.0.0.1');
    buffer.touch('b', null);
    buffer.touch('a', '10.0.0.2');
    buffer.count('verification', 'api_key');
    buffer.count('verification', 'api_key');
    buffer.count('sign_in');
    await buffer.flush();
    expect(sink.writeUsage).toHaveBeenCalledTimes(1);
    const batch = sink.writeUsage.mock.calls[0]?.[0] as UsageBatch;
    expect(batch.lastUses.map(({ id, ip }) => [id, ip])).toEqual([
      ['a', '10.0.0.2'],
      ['b', null],
    ]);
    expect(batch.credentialHours.map(({ id, count }) => [id, count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(batch.credentialHours[0]?.hour.getTime() ?? 1).toBe(
      Math.floor(Date.now() / 3_600_000) * 3_600_000,
    );
    expect(batch.counters.map(({ metric, kind, count }) => [metric, kind, count])).toEqual([
      ['verification', 'api_key', 2],
      ['sign_in', '', 1],
    ]);
    await buffer.flush();
    expect(sink.writeUsage).toHaveBeenCalledTimes(1);
    await buffer.onModuleDestroy();
  });

  it('keeps what it could not write for the next flush, adding the counts of both rounds', async () => {
    const sink = writer();
    sink.writeUsage.mockRejectedValueOnce(new Error('database away'));
    const buffer = new UsageBuffer(sink, 60_000);
    buffer.touch('a', '10.0.0.1');
    buffer.count('rate_limited');
    await buffer.flush();
    buffer.touch('a', '10.0.0.3');
    buffer.count('rate_limited');
    await buffer.onModuleDestroy();
    expect(sink.writeUsage).toHaveBeenCalledTimes(2);
    const batch = sink.writeUsage.mock.calls[1]?.[0] as UsageBatch;
    expect(batch.lastUses.map((use) => [use.id, use.ip])).toEqual([['a', '10.0.0.3']]);
    expect(batch.credentialHours.map((hour) => hour.count)).toEqual([2]);
    expect(batch.counters.map((counter) => counter.count)).toEqual([2]);
  });
});
