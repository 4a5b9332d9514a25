// What `npm run bench` makes of its measurements: medians over rounds, ratios to the references,
// the issue's targets checked, and the same report as a terminal table, JSON and Markdown.
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of a list of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** One scenario over its rounds: median req/s, p50 and p99; errors and statuses summed. */
export function combineRounds(rounds) {
  const statuses = {};
  for (const round of rounds) {
    for (const [code, count] of Object.entries(round.statuses)) {
      statuses[code] = (statuses[code] ?? 0) + count;
    }
  }
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    statuses,
    rounds: rounds.map(({ requests, rps, p50, p99, errors }) => ({
      requests,
      rps,
      p50,
      p99,
      errors,
    })),
  };
}

/** Each scenario's req/s as a multiple of the bare hello's, the recipe's and /healthz's. */
export function withRatios(
  scenarios,
  ids = { hello: 'hello', recipe: 'recipe', healthz: 'healthz' },
) {
  const rpsOf = (id) => scenarios.find((s) => s.id === id)?.rps ?? NaN;
  const hello = rpsOf(ids.hello);
  const recipe = rpsOf(ids.recipe);
  const healthz = rpsOf(ids.healthz);
  return scenarios.map((s) => ({
    ...s,
    ratios: { hello: s.rps / hello, recipe: s.rps / recipe, healthz: s.rps / healthz },
  }));
}

const x = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a');

/** The issue's targets, each met or missed with the figures that decide it. */
export function checkTargets({ scenarios, scale, revocation, flood, memory }) {
  const byId = Object.fromEntries(scenarios.map((s) => [s.id, s]));
  const targets = [];
  const methods = scenarios.filter((s) => s.group === 'credential');
  const slow = methods.filter((s) => !(s.ratios.healthz >= 0.8));
  const lowest = [...methods].sort((a, b) => a.ratios.healthz - b.ratios.healthz)[0];
  targets.push({
    target: 'every credential method ≥ 0.8x /healthz',
    met: methods.length > 0 && slow.length === 0,
    detail: `${slow.length} of ${methods.length} below; lowest ${lowest?.name} ${x(lowest?.ratios.healthz)}`,
  });
  const healthz = byId.healthz;
  targets.push({
    target: '/healthz ≥ 0.6x the bare hello',
    met: healthz?.ratios.hello >= 0.6,
    detail: `${x(healthz?.ratios.hello)} (${fmtRps(healthz?.rps)} vs ${fmtRps(byId.hello?.rps)} req/s)`,
  });
  const pat = byId['users-me:pat'];
  targets.push({
    target: 'a PAT on /users/me ≥ 10x the docs recipe',
    met: pat?.ratios.recipe >= 10,
    detail: `${x(pat?.ratios.recipe)} (${fmtRps(pat?.rps)} vs ${fmtRps(byId.recipe?.rps)} req/s)`,
  });
  if (scale.length > 0) {
    const first = scale[0];
    const last = scale[scale.length - 1];
    const lines = [];
    let met = true;
    for (const kind of Object.keys(first.kinds)) {
      for (const phase of ['cold', 'warm']) {
        const ratio = last.kinds[kind][phase].p99 / first.kinds[kind][phase].p99;
        met &&= ratio <= 1.2;
        lines.push(
          `${first.kinds[kind].label} ${phase} ${x(ratio)} (${ms(last.kinds[kind][phase].p99)} vs ${ms(first.kinds[kind][phase].p99)})`,
        );
      }
    }
    targets.push({
      target: `verification p99 at ${fmtCount(last.total)} credentials ≤ 1.2x at ${fmtCount(first.total)}`,
      met,
      detail: lines.join('; '),
    });
  }
  if (revocation) {
    targets.push({
      target: 'revocation seen by the other instance: p99 ≤ 1 s',
      met: revocation.timeouts === 0 && revocation.p99 <= 1000,
      detail: `p50 ${ms(revocation.p50)}, p99 ${ms(revocation.p99)} over ${revocation.samples} revocations${revocation.timeouts ? `, ${revocation.timeouts} not seen within ${revocation.capMs} ms` : ''}`,
    });
  }
  if (flood) {
    const ratio = flood.during.p99 / flood.before.p99;
    const unanswered = flood.planned - flood.during.requests;
    targets.push({
      target: 'PAT p99 under a login flood ≤ 2x',
      met: ratio <= 2 && unanswered === 0,
      detail:
        `${x(ratio)} (${ms(flood.during.p99)} during vs ${ms(flood.before.p99)} without)` +
        (unanswered > 0
          ? `; ${unanswered} of ${flood.planned} PAT requests not answered within ${flood.during.seconds.toFixed(0)} s`
          : ''),
    });
  }
  if (memory) {
    targets.push({
      target: `RSS ≤ 250 MB at ${fmtCount(memory.credentials)} credentials`,
      // The peak while it served the scale series up to that level; the login flood that comes
      // later adds argon2id's memory (19 MiB per hash at work), reported beside it.
      met: memory.peakAfterScaleMiB * 1.048576 <= 250,
      detail: `peak ${(memory.peakAfterScaleMiB * 1.048576).toFixed(0)} MB through the scale series (VmHWM ${memory.peakAfterScaleMiB.toFixed(0)} MiB); ${(memory.peakRssMiB * 1.048576).toFixed(0)} MB after the two-instance test and the login flood`,
    });
  }
  return targets;
}

export function fmtRps(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function fmtCount(n) {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    // Other work on the machine while the bench ran (1, 5 and 15 minute averages at the end).
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** Rows of text cells as an aligned table: first column left, the others right. */
export function textTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) =>
    row
      .map((cell, i) =>
        i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** Rows as a Markdown table: the first column left, the others right unless `leftAll`. */
export function markdownTable(rows, { leftAll = false } = {}) {
  const line = (row) => `| ${row.join(' | ')} |`;
  const align = rows[0].map((_, i) => (i === 0 || leftAll ? '---' : '---:'));
  return [line(rows[0]), line(align), ...rows.slice(1).map(line)].join('\n');
}

const SCENARIO_HEADER = [
  'scenario',
  'req/s',
  'p50',
  'p99',
  'errors',
  'x hello',
  'x recipe',
  'x /healthz',
];

export function scenarioRows(scenarios) {
  return [
    SCENARIO_HEADER,
    ...scenarios.map((s) => [
      s.name,
      fmtRps(s.rps),
      ms(s.p50),
      ms(s.p99),
      String(s.errors),
      x(s.ratios?.hello),
      x(s.ratios?.recipe),
      x(s.ratios?.healthz),
    ]),
  ];
}

export function scaleRows(scale) {
  const header = [
    'stored credentials',
    'kind',
    'cold p50',
    'cold p99',
    'warm req/s',
    'warm p50',
    'warm p99',
  ];
  const rows = [header];
  for (const level of scale) {
    for (const kind of Object.values(level.kinds)) {
      rows.push([
        fmtCount(level.total),
        kind.label,
        ms(kind.cold.p50),
        ms(kind.cold.p99),
        fmtRps(kind.warm.rps),
        ms(kind.warm.p50),
        ms(kind.warm.p99),
      ]);
    }
  }
  return rows;
}

export function targetRows(targets) {
  return [
    ['target', 'result', 'figures'],
    ...targets.map((t) => [t.target, t.met ? 'met' : 'MISSED', t.detail]),
  ];
}

/** The whole report in Markdown (bench/results/latest.md). */
export function markdownReport(report) {
  const m = report.machine;
  const lines = [
    '# Latchkey benchmark',
    '',
    `${report.finishedAt}; \`npm run bench\` took ${Math.round(report.seconds)} s (build excluded).`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node.js ${m.node}; load average at the end ${m.loadAverage.join(' / ')} (1 / 5 / 15 min).`,
    `PostgreSQL: ${report.database}. ${report.settings.description}`,
    '',
    '## Targets',
    '',
    markdownTable(targetRows(report.targets), { leftAll: true }),
    '',
    '## Throughput and latency',
    '',
    markdownTable(scenarioRows(report.scenarios)),
    '',
    ...report.notes.map((note) => `- ${note}`),
    '',
    '## Scale series',
    '',
    markdownTable(scaleRows(report.scale)),
    '',
    report.scaleDescription,
    '',
    '## Two instances, login flood, memory',
    '',
    ...report.extras.map((line) => `- ${line}`),
    '',
  ];
  return lines.join('\n');
}
