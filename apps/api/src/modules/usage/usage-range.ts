import {
  MAX_USAGE_RANGE_DAYS,
  type OverviewRange,
  type UsageBucket,
  type UsageQuery,
} from '@latchkey/contracts';
import { Problems } from '../../common/problem/problem.exception.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const BUCKET_MS: Record<UsageBucket, number> = { hour: HOUR_MS, day: DAY_MS };

/** Whole buckets, UTC: `from` is the first bucket's start, `to` the end of the last. */
export interface UsageRange {
  bucket: UsageBucket;
  from: number;
  to: number;
}

const DEFAULT_SPAN_MS = 7 * DAY_MS;
const HOURLY_UP_TO_MS = 2 * DAY_MS;

function floorTo(at: number, step: number): number {
  return Math.floor(at / step) * step;
}

function ceilTo(at: number, step: number): number {
  return Math.ceil(at / step) * step;
}

/**
 * The range a usage query asks for: by default the last 7 days; hourly for at most 2 days,
 * else daily; widened to whole buckets. 400 when `from` is not before `to` or the range spans
 * more than MAX_USAGE_RANGE_DAYS.
 */
export function usageRange(query: UsageQuery, now: number): UsageRange {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - DEFAULT_SPAN_MS;
  if (from >= to) throw refuse('from', 'from must be before to');
  if (to - from > MAX_USAGE_RANGE_DAYS * DAY_MS) {
    throw refuse('from', `the range may span at most ${MAX_USAGE_RANGE_DAYS} days`);
  }
  const bucket = query.bucket ?? (to - from <= HOURLY_UP_TO_MS ? 'hour' : 'day');
  const step = BUCKET_MS[bucket];
  return { bucket, from: floorTo(from, step), to: ceilTo(to, step) };
}

/** The overview's ranges: hourly for a day, daily for longer, ending with the current bucket. */
export function overviewRange(range: OverviewRange, now: number): UsageRange {
  const [bucket, buckets]: [UsageBucket, number] =
    range === '24h' ? ['hour', 24] : range === '7d' ? ['day', 7] : ['day', 30];
  const step = BUCKET_MS[bucket];
  const to = floorTo(now, step) + step;
  return { bucket, from: to - buckets * step, to };
}

/** The start of every bucket of the range, oldest first. */
export function bucketStarts({ bucket, from, to }: UsageRange): number[] {
  const step = BUCKET_MS[bucket];
  const starts: number[] = [];
  for (let at = from; at < to; at += step) starts.push(at);
  return starts;
}

/** The start of the bucket an hour falls in. */
export function bucketOf(hour: Date, { bucket }: UsageRange): number {
  return floorTo(hour.getTime(), BUCKET_MS[bucket]);
}

function refuse(field: string, message: string) {
  return Problems.validation([{ field, message }], message);
}
