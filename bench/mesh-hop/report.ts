// The printed table: latency per target, what each hop adds over the direct call, and the ratios
// of those added latencies. Inputs in µs, output in ms with 3 decimals.
import type { Summary } from './stats.ts';

export interface TargetReport {
  name: string;
  /** Why there are no numbers, in a few words: "not installed", "not available yet", "failed to start". */
  unavailable?: string;
  /** The longer story behind `unavailable`. */
  detail?: string;
  latencyUs?: Summary;
  scheduled: number;
  answered: number;
  failed: number;
  non2xx: number;
  firstError?: string;
  cpuUsPerRequest?: number;
  /** Share of answers that came from v3; undefined when the target talks to v1 only. */
  v3Share?: number;
  sendLagUs: { p50: number; p99: number };
  /** Connections opened while measuring, by the generator and towards the upstreams: 0 if keep-alive holds. */
  newConnections: { generator: number; upstream: number };
}

const quantiles = ['p50', 'p90', 'p99'] as const;
const ms = (us: number): string => (us / 1000).toFixed(3);
const signedMs = (us: number): string => `${us >= 0 ? '+' : ''}${ms(us)}`;

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join(' ')
    .trimEnd();
}

const widths = [11, 7, 7, 7, 7, 8, 8, 8, 8, 7, 7, 7, 11];
const header = [
  ['', 'latency ms', '', '', '', 'added over direct ms', '', '', 'CPU', 'v3', '', '', 'gen. lag'],
  [
    'target',
    'p50',
    'p90',
    'p99',
    'max',
    'p50',
    'p90',
    'p99',
    'µs/req',
    'share',
    'answ.',
    'failed',
    'p50/p99 µs',
  ],
];

function added(target: TargetReport, direct: TargetReport | undefined): Summary | undefined {
  if (target.latencyUs === undefined || direct?.latencyUs === undefined) return undefined;
  const t = target.latencyUs;
  const d = direct.latencyUs;
  return { p50: t.p50 - d.p50, p90: t.p90 - d.p90, p99: t.p99 - d.p99, max: t.max - d.max };
}

function targetRow(target: TargetReport, direct: TargetReport | undefined): string {
  if (target.latencyUs === undefined) {
    const why = target.unavailable ?? 'no result';
    return `${target.name.padEnd(widths[0] ?? 0)} ${target.detail ? `${why}: ${target.detail}` : why}`;
  }
  const l = target.latencyUs;
  const extra = target === direct ? undefined : added(target, direct);
  return row(
    [
      target.name,
      ms(l.p50),
      ms(l.p90),
      ms(l.p99),
      ms(l.max),
      ...quantiles.map((q) => (extra ? signedMs(extra[q]) : '—')),
      target.cpuUsPerRequest === undefined ? '—' : target.cpuUsPerRequest.toFixed(0),
      target.v3Share === undefined ? 'v1 only' : `${(target.v3Share * 100).toFixed(1)}%`,
      String(target.answered),
      String(target.failed + target.non2xx),
      `${target.sendLagUs.p50.toFixed(0)}/${target.sendLagUs.p99.toFixed(0)}`,
    ],
    widths,
  );
}

function ratioRow(
  label: string,
  over: TargetReport | undefined,
  under: TargetReport | undefined,
  direct: TargetReport | undefined,
): string {
  const name = label.padEnd(26);
  const missing = [over, under].find((t) => t?.latencyUs === undefined);
  if (missing !== undefined || over === undefined || under === undefined) {
    return `${name} n/a (${missing?.name ?? '?'} ${missing?.unavailable ?? 'has no numbers'})`;
  }
  const a = added(over, direct);
  const b = added(under, direct);
  if (a === undefined || b === undefined) return `${name} n/a (no direct baseline)`;
  const cells = quantiles.map((q) =>
    // Below 5 µs the denominator is measurement noise and the ratio would mean nothing.
    b[q] > 5 ? `${(a[q] / b[q]).toFixed(2)}×` : 'n/a',
  );
  return `${name} ${cells.map((c) => c.padStart(7)).join(' ')}`;
}

export interface Quietness {
  /** Rounds (one slice of every target) the figures come from. */
  kept: number;
  /** Rounds measured but left out because other processes were busy meanwhile. */
  dropped: number;
  /** CPUs kept busy, on average, by processes outside the benchmark during the kept rounds. */
  otherCpu: number;
  quietLimit: number;
}

export function formatRate(rate: number, targets: TargetReport[], quiet: Quietness): string {
  const direct = targets.find((t) => t.name === 'direct');
  const byName = (name: string): TargetReport | undefined => targets.find((t) => t.name === name);
  const lines = [
    ...header.map((cells) => row(cells, widths)),
    ...targets.map((t) => targetRow(t, direct)),
    '',
    `${'added latency, ratio'.padEnd(26)} ${quantiles.map((q) => q.padStart(7)).join(' ')}`,
    ratioRow('  mesh / haproxy', byName('mesh'), byName('haproxy'), direct),
    ratioRow('  mesh / node-proxy', byName('mesh'), byName('node-proxy'), direct),
    ratioRow('  node-proxy / haproxy', byName('node-proxy'), byName('haproxy'), direct),
  ];
  const problems = targets.filter((t) => t.failed + t.non2xx > 0);
  for (const t of problems) {
    lines.push(
      `! ${t.name}: ${t.failed} failed (first: ${t.firstError ?? '?'}), ${t.non2xx} non-2xx of ${t.scheduled}`,
    );
  }
  for (const t of targets) {
    const { generator, upstream } = t.newConnections;
    // The generator primes all its connections; a proxy may grow its upstream pool under a burst,
    // but more than one new connection per 100 requests means it is not reusing them.
    if (generator > 0 || upstream > t.answered / 100) {
      lines.push(
        `! ${t.name}: ${generator} new connections from the generator, ${upstream} to the upstreams while measuring: keep-alive not holding`,
      );
    }
  }
  if (quiet.otherCpu > quiet.quietLimit) {
    lines.push(
      `! other processes kept ${quiet.otherCpu.toFixed(2)} CPUs busy on average while measuring: these figures are unreliable; run again on a quiet machine`,
    );
  }
  const dropped = quiet.dropped > 0 ? `, ${quiet.dropped} more dropped (machine busy)` : '';
  return [
    `rate ${rate} requests/s: ${quiet.kept} rounds${dropped}; other processes ${quiet.otherCpu.toFixed(2)} CPUs busy on average`,
    ...lines.map((line) => (line === '' ? line : `  ${line}`)),
  ].join('\n');
}
