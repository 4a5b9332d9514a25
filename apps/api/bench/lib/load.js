// Load with autocannon: one scenario, warmed up, then measured.
import autocannon from 'autocannon';

export const CONNECTIONS = 50;

/**
 * Runs `options` (autocannon's) unmeasured for `warmup` seconds or `warmupRequests` answers per
 * connection, then measures. `expected` lists the statuses that are no error for this scenario
 * (2xx always are).
 */
export async function measure({ warmup = 0, warmupRequests = 0, expected = [], ...options }) {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  const base = { connections: CONNECTIONS, timeout: 10, ...Object.fromEntries(given) };
  if (warmup > 0) await autocannon({ ...base, duration: warmup });
  if (warmupRequests > 0) await autocannon({ ...base, maxConnectionRequests: warmupRequests });
  return summarize(await autocannon(base), expected);
}

/** The figures the report keeps of one autocannon run. */
export function summarize(result, expected = []) {
  const statuses = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = Number(count);
  }
  const unexpected = Object.entries(statuses)
    .filter(([code]) => !(code >= 200 && code < 300) && !expected.includes(Number(code)))
    .reduce((sum, [, count]) => sum + count, 0);
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    requests: answered,
    rps: answered / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // autocannon's `errors` counts network errors, timeouts included.
    errors: unexpected + result.errors + result.mismatches,
    networkErrors: result.errors,
    statuses,
  };
}
