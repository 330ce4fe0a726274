// Local mode has no Prometheus to ask for quiz's rounds, so the console reads them as the mesh's
// stats are read (live-figures.ts): every quiz instance's own /metrics (open to local callers, as
// to Prometheus), each sample tagged with its instance's version as Prometheus' target labels
// would tag it, and rates taken between two scrapes.
import { readRuntimeState } from '../../local/runtime-state.ts';
import { counterIncreases } from '../../mesh-client/prometheus/counter-increase.ts';
import { histogramQuantile } from '../../mesh-client/prometheus/histogram-quantile.ts';
import { parsePrometheusText, type Sample } from '../../mesh-client/prometheus/prometheus-text.ts';
import type { GroupQuantile, RoundRate } from './player-groups.ts';

const ROUNDS = 'quiz_rounds_total';
const BUCKETS = 'quiz_round_duration_seconds_bucket';

/** quiz's round samples from every quiz instance local mode runs on `home`. */
export async function scrapeQuizRounds(home: string): Promise<Sample[]> {
  const quiz = readRuntimeState(home).workloads.filter((w) => w.app === 'quiz');
  const scrapes = await Promise.all(
    quiz.map(async ({ url, version, name }) => {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1_500) });
      if (!response.ok) throw new Error(`${name}'s /metrics answered ${String(response.status)}`);
      return parsePrometheusText(await response.text())
        .filter((s) => s.name === ROUNDS || s.name === BUCKETS)
        .map((s) => ({ ...s, labels: { ...s.labels, version, pod: name } }));
    }),
  );
  return scrapes.flat();
}

/** The rates and p99s between two scrapes, per version and player charset. */
export function roundRatesFromScrapes(
  before: readonly Sample[],
  after: readonly Sample[],
  seconds: number,
): { rates: RoundRate[]; p99s: GroupQuantile[] } {
  if (seconds <= 0) return { rates: [], p99s: [] };
  const rates = counterIncreases(before, after, (s) => s.name === ROUNDS).map(
    ({ sample, increase }) => ({
      version: sample.labels.version ?? 'unknown',
      charset: sample.labels.player_charset ?? 'none',
      result: sample.labels.result ?? 'ok',
      perSecond: increase / seconds,
    }),
  );
  const buckets = new Map<string, { version: string; charset: string; le: Map<number, number> }>();
  for (const { sample, increase } of counterIncreases(before, after, (s) => s.name === BUCKETS)) {
    const { version = 'unknown', player_charset: charset = 'none', le = '+Inf' } = sample.labels;
    const id = JSON.stringify([version, charset]);
    const group = buckets.get(id) ?? { version, charset, le: new Map<number, number>() };
    const bound = le === '+Inf' ? Infinity : Number(le);
    // Summed over results and instances, as `sum by (version, player_charset, le)` would.
    group.le.set(bound, (group.le.get(bound) ?? 0) + increase);
    buckets.set(id, group);
  }
  const p99s = [...buckets.values()].map(({ version, charset, le }) => ({
    version,
    charset,
    seconds: histogramQuantile(
      0.99,
      [...le].map(([bound, count]) => ({ le: bound, count })),
    ),
  }));
  return { rates, p99s };
}
