import type { Overview, UsageBucket } from '@latchkey/contracts';

/** How a verification's kind reads in the legend, in the order the stack shows them. */
export const VERIFICATION_KINDS: Record<string, string> = {
  personal_access_token: 'Personal access tokens',
  account_token: 'Account API tokens',
  api_key: 'API keys',
  opaque_token: 'Opaque tokens',
  session: 'Sessions',
  basic: 'Basic (password)',
  exchanged: 'Exchanged tokens',
};

const COLORS = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'yellow.6', 'pink.6'];

export type ChartRow = Record<string, string | number> & { at: string };

/** A bucket's start as its axis reads (UTC): `14:00` for an hour, `12-04` for a day. */
export function bucketLabel(at: string, bucket: UsageBucket): string {
  return bucket === 'hour' ? at.slice(11, 16) : at.slice(5, 10);
}

/** One row per bucket for the sign-in and rate-limit charts. */
export function activityRows({ series, bucket }: Pick<Overview, 'series' | 'bucket'>): ChartRow[] {
  return series.map((point) => ({
    at: bucketLabel(point.at, bucket),
    signIns: point.signIns,
    failedSignIns: point.failedSignIns,
    rateLimited: point.rateLimited,
  }));
}

/**
 * The stacked verifications chart: one row per bucket with a column per kind seen anywhere in
 * the range (0 where a bucket has none), and the series to stack, known kinds first.
 */
export function verificationRows({ series, bucket }: Pick<Overview, 'series' | 'bucket'>): {
  rows: ChartRow[];
  series: { name: string; label: string; color: string }[];
} {
  const seen = new Set(series.flatMap((point) => Object.keys(point.verifications)));
  const known = Object.keys(VERIFICATION_KINDS);
  const kinds = [
    ...known.filter((kind) => seen.has(kind)),
    ...[...seen].filter((kind) => !known.includes(kind)).sort(),
  ];
  return {
    rows: series.map((point) => ({
      at: bucketLabel(point.at, bucket),
      ...Object.fromEntries(kinds.map((kind) => [kind, point.verifications[kind] ?? 0])),
    })),
    series: kinds.map((kind, index) => ({
      name: kind,
      label: VERIFICATION_KINDS[kind] ?? kind,
      color: COLORS[index % COLORS.length] as string,
    })),
  };
}
