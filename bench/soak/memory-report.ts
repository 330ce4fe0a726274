// The tables of a soak: each process's RSS over time with the mesh's and trace store's figures
// under it, then each process's growth as the rule judges it.
import { workloadFigures } from '../../mesh-client/prometheus/workload-figures.ts';
import type { GrowthJudgement } from './growth.ts';
import type { SoakSample } from './sampler.ts';
import { formatTable, minutesSeconds } from './text-table.ts';

/** Process names in the order they first appear. */
export function processNames(samples: readonly SoakSample[]): string[] {
  return [...new Set(samples.flatMap((s) => [...s.rssMiB.keys()]))];
}

export function formatMemoryTable(
  columns: readonly SoakSample[],
  names: readonly string[],
  quizVersion: string,
): string {
  const rows: string[][] = [['RSS MiB', ...columns.map((s) => minutesSeconds(s.atSeconds))]];
  for (const name of names) {
    rows.push([name, ...columns.map((s) => s.rssMiB.get(name)?.toFixed(0) ?? '-')]);
  }
  // Rates between a column and the one before it, as the mesh's own counters give them.
  const windows = columns.map((s, i) => {
    const before = columns[i - 1];
    return before === undefined
      ? undefined
      : workloadFigures(before.mesh, s.mesh, s.atSeconds - before.atSeconds);
  });
  const figure = (
    service: string,
    version: string | undefined,
    read: (f: ReturnType<typeof workloadFigures>[number]) => number | null,
    digits: number,
  ): string[] =>
    windows.map((w) => {
      const f = w?.find(
        (x) => x.service === service && (version === undefined || x.version === version),
      );
      const value = f === undefined ? null : read(f);
      return value === null ? '-' : value.toFixed(digits);
    });
  rows.push([
    'mesh: frontend req/s',
    ...figure('frontend', undefined, (f) => f.requestsPerSecond, 1),
  ]);
  rows.push(['mesh: frontend 5xx %', ...figure('frontend', undefined, (f) => pct(f.errorRate), 1)]);
  rows.push([
    `mesh: quiz ${quizVersion} p99 ms`,
    ...figure('quiz', quizVersion, (f) => f.p99Ms, 0),
  ]);
  rows.push(['trace store traces', ...columns.map((s) => s.traceStoreTraces?.toFixed(0) ?? '-')]);
  return formatTable(rows);
}

const pct = (share: number | null): number | null => (share === null ? null : share * 100);

export function formatGrowthTable(growth: ReadonlyMap<string, GrowthJudgement>): string {
  const rows = [['process', 'middle', 'last', 'growth', 'allowed', '']];
  for (const [name, g] of growth) {
    if (!g.judged) {
      rows.push([name, '-', '-', '-', '-', `too few samples (${g.samples})`]);
      continue;
    }
    rows.push([
      name,
      g.middleMiB.toFixed(1),
      g.lastMiB.toFixed(1),
      `${g.growthMiB >= 0 ? '+' : ''}${g.growthMiB.toFixed(1)}`,
      g.allowedMiB.toFixed(1),
      g.grew ? 'GREW' : 'ok',
    ]);
  }
  return formatTable(rows);
}
