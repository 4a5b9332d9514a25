import type { Overview } from '@latchkey/contracts';
import { activityRows, bucketLabel, verificationRows } from './chart-data';

const point = (
  at: string,
  verifications: Record<string, number> = {},
  counts: Partial<
    Pick<Overview['series'][number], 'signIns' | 'failedSignIns' | 'rateLimited'>
  > = {},
): Overview['series'][number] => ({
  at,
  signIns: 0,
  failedSignIns: 0,
  rateLimited: 0,
  verifications,
  ...counts,
});

describe('overview chart rows', () => {
  it('labels an hour by its UTC time and a day by its UTC date', () => {
    expect(bucketLabel('2026-12-04T14:00:00.000Z', 'hour')).toBe('14:00');
    expect(bucketLabel('2026-12-04T00:00:00.000Z', 'day')).toBe('12-04');
  });

  it('keeps one activity row per bucket, in order, with its three counts', () => {
    const rows = activityRows({
      bucket: 'hour',
      series: [
        point('2026-12-04T13:00:00.000Z'),
        point('2026-12-04T14:00:00.000Z', {}, { signIns: 3, failedSignIns: 2, rateLimited: 1 }),
      ],
    });
    expect(rows).toEqual([
      { at: '13:00', signIns: 0, failedSignIns: 0, rateLimited: 0 },
      { at: '14:00', signIns: 3, failedSignIns: 2, rateLimited: 1 },
    ]);
  });

  it('gives every bucket a column for each kind seen in the range, known kinds first', () => {
    const { rows, series } = verificationRows({
      bucket: 'day',
      series: [
        point('2026-12-03T00:00:00.000Z', { some_new_kind: 1, basic: 2 }),
        point('2026-12-04T00:00:00.000Z', { personal_access_token: 5 }),
      ],
    });
    expect(series.map((entry) => [entry.name, entry.label])).toEqual([
      ['personal_access_token', 'Personal access tokens'],
      ['basic', 'Basic (password)'],
      ['some_new_kind', 'some_new_kind'],
    ]);
    expect(new Set(series.map((entry) => entry.color)).size).toBe(3);
    expect(rows).toEqual([
      { at: '12-03', personal_access_token: 0, basic: 2, some_new_kind: 1 },
      { at: '12-04', personal_access_token: 5, basic: 0, some_new_kind: 0 },
    ]);
  });

  it('has no series and empty rows when nothing was verified', () => {
    const { rows, series } = verificationRows({
      bucket: 'hour',
      series: [point('2026-12-04T14:00:00.000Z')],
    });
    expect(series).toEqual([]);
    expect(rows).toEqual([{ at: '14:00' }]);
  });
});
