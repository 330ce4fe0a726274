// quiz's rounds per version and group of players on a cluster: its own metrics as Prometheus
// scrapes them (target labels app and version, k8s/base/observability/prometheus.yml), over the
// same window as the RED table's Istio figures.
import { queryVector } from '../../mesh-client/prometheus/prometheus-query.ts';
import { playerGroups, type PlayerGroupFigures } from './player-groups.ts';

/** The PromQL; the scrape config keeps only namespace quiz's pods, so app="quiz" names them. */
export function playerGroupQueries(windowSeconds: number) {
  const range = `[${String(windowSeconds)}s]`;
  return {
    rounds: `sum by (version, player_charset, result) (rate(quiz_rounds_total{app="quiz"}${range}))`,
    p99:
      'histogram_quantile(0.99, sum by (version, player_charset, le) ' +
      `(rate(quiz_round_duration_seconds_bucket{app="quiz"}${range})))`,
  };
}

export async function fetchPlayerGroups(
  url: string,
  windowSeconds: number,
): Promise<Map<string, PlayerGroupFigures[]>> {
  const queries = playerGroupQueries(windowSeconds);
  const [rounds, p99] = await Promise.all([
    queryVector(url, queries.rounds),
    queryVector(url, queries.p99),
  ]);
  const group = (labels: Record<string, string>) => ({
    version: labels.version ?? 'unknown',
    charset: labels.player_charset ?? 'none',
  });
  return playerGroups(
    rounds.map(({ labels, value }) => ({
      ...group(labels),
      result: labels.result ?? 'ok',
      perSecond: value,
    })),
    p99.map(({ labels, value }) => ({ ...group(labels), seconds: value })),
  );
}
