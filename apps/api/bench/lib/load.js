// Load with autocannon: one scenario, warmed up, then measured.
import autocannon from 'autocannon';

export const CONNECTIONS = 50;

/**
 * Runs `options` (autocannon's) unmeasured for `warmup` seconds or `warmupRequests` answers per
 * connection, then measures. `expected` lists the statuses that are no error for this scenario
 * (2xx always are).
 */
export async function measure({ warmup = 0, warmupRequests = 0, expected = [], ...options }) {
  const base = withDefaults(options);
  if (warmup > 0) await autocannon({ ...base, duration: warmup });
  if (warmupRequests > 0) await autocannon({ ...base, maxConnectionRequests: warmupRequests });
  return summarize(await autocannon(base), expected);
}

/**
 * Starts `options` in the background: `stop()` ends the run, `result` resolves to its summary
 * once it has ended (stopped, or done by itself).
 */
export function start({ expected = [], ...options }) {
  let instance;
  const result = new Promise((resolve, reject) => {
    instance = autocannon(withDefaults(options), (error, outcome) =>
      error ? reject(error) : resolve(summarize(outcome, expected)),
    );
  });
  return { stop: () => instance.stop(), result };
}

/**
 * Runs to `options.amount` answers (every one waited for, however slow), but stops after
 * `capSeconds`: a server that hardly answers cannot hold the bench.
 */
export async function measureWithin(capSeconds, options) {
  const run = start(options);
  const timer = setTimeout(run.stop, capSeconds * 1000);
  try {
    return await run.result;
  } finally {
    clearTimeout(timer);
  }
}

function withDefaults(options) {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  return { connections: CONNECTIONS, timeout: 10, ...Object.fromEntries(given) };
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
    seconds: result.duration,
    rps: answered / result.duration,
    // No answer, no latency: NaN (null in JSON), which no target takes for a good figure.
    p50: answered > 0 ? result.latency.p50 : NaN,
    p99: answered > 0 ? result.latency.p99 : NaN,
    // autocannon's `errors` counts network errors, timeouts included.
    errors: unexpected + result.errors + result.mismatches,
    networkErrors: result.errors,
    statuses,
  };
}
