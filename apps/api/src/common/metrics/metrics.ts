import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Latchkey's Prometheus series, in one registry per process (docs/grafana-dashboard.json reads
 * them). The places that count call the small functions below; /metrics renders the registry.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'latchkey_' });

const registers = [metricsRegistry];

const httpRequests = new Counter({
  name: 'latchkey_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers,
});

const verifications = new Counter({
  name: 'latchkey_verifications_total',
  help: 'Credentials presented to a protected route, by kind and result (success or failure).',
  labelNames: ['kind', 'result'] as const,
  registers,
});

const failureLimitRefusals = new Counter({
  name: 'latchkey_failure_limit_refusals_total',
  help: 'Attempts refused (429) because a failure limit was reached, by what was guessed.',
  labelNames: ['kind'] as const,
  registers,
});

const cacheLookups = new Counter({
  name: 'latchkey_verified_credentials_cache_lookups_total',
  help: 'Lookups in the verified-credentials cache, by result (hit or miss).',
  labelNames: ['result'] as const,
  registers,
});

const changeFeedLag = new Histogram({
  name: 'latchkey_change_feed_lag_seconds',
  help: 'Time from publishing a change (revocation, disable) to receiving it over LISTEN/NOTIFY.',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

const eventStreamSubscribers = new Gauge({
  name: 'latchkey_event_stream_subscribers',
  help: 'Clients connected to the security event stream (GET /events).',
  registers,
});

let passwordHashDepth: () => number = () => 0;
new Gauge({
  name: 'latchkey_password_hash_queue_depth',
  help: 'Password hashes running or waiting for a slot.',
  registers,
  collect() {
    this.set(passwordHashDepth());
  },
});

export function countHttpRequest(method: string, route: string, status: number): void {
  httpRequests.inc({ method, route, status: String(status) });
}

export function countVerification(kind: string, result: 'success' | 'failure'): void {
  verifications.inc({ kind, result });
}

export function countFailureLimitRefusal(kind: string): void {
  failureLimitRefusals.inc({ kind });
}

export function countCacheLookup(result: 'hit' | 'miss'): void {
  cacheLookups.inc({ result });
}

/** A change published at `publishedAt` (epoch ms) arrived now. */
export function observeChangeFeedLag(publishedAt: number): void {
  changeFeedLag.observe(Math.max(0, Date.now() - publishedAt) / 1000);
}

/** The event stream sets this whenever a client connects or leaves. */
export function setEventStreamSubscribers(count: number): void {
  eventStreamSubscribers.set(count);
}

/** Where the password-hash queue depth is read at each scrape. */
export function watchPasswordHashQueue(depth: () => number): void {
  passwordHashDepth = depth;
}
