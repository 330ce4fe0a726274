// The metric families and labels the code emits, read from the code's own registries: the kit's
// (prom-client defaults and RED histograms), quiz's business counters and the mesh's Istio metrics.
// Prometheus adds the target labels of local/prometheus.ts's scrape config.
import { parser } from '@prometheus-io/lezer-promql';
import type { Registry } from 'prom-client';
import { createMetrics } from '../../services/kit/metrics.ts';
import { quizRoutes, type QuizDeps } from '../../services/quiz/app.ts';
import { createIstioMetrics } from '../../mesh/telemetry/istio-metrics.ts';

/** Labels Prometheus attaches to every series it scrapes from local mode (and `le` of buckets). */
export const TARGET_LABELS = ['job', 'instance', 'app', 'version', 'pod'];

/** Series name → label names it can carry (target labels not included). */
export type Vocabulary = Map<string, Set<string>>;

function add(vocabulary: Vocabulary, registry: Registry): void {
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    const labels = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
    if (type === 'histogram') {
      vocabulary.set(`${name}_bucket`, new Set([...labels, 'le']));
      vocabulary.set(`${name}_sum`, new Set(labels));
      vocabulary.set(`${name}_count`, new Set(labels));
    } else if (type === 'summary') {
      vocabulary.set(name, new Set([...labels, 'quantile']));
      vocabulary.set(`${name}_sum`, new Set(labels));
      vocabulary.set(`${name}_count`, new Set(labels));
    } else {
      vocabulary.set(name, new Set(labels));
    }
  }
}

export function emittedMetrics(): Vocabulary {
  const vocabulary: Vocabulary = new Map();
  const kit = createMetrics();
  // Only the counters quizRoutes registers are wanted; it touches no other dependency to do so.
  quizRoutes({ metrics: kit } as unknown as QuizDeps);
  add(vocabulary, kit.registry);
  add(vocabulary, createIstioMetrics().registry);
  return vocabulary;
}

/** Grafana's interval macros, given real durations as Grafana would before sending a query. */
export function withGrafanaMacros(expr: string, values: Record<string, string> = {}): string {
  const macros: Record<string, string> = {
    __rate_interval: '30s',
    __interval: '5s',
    __range: '5m',
    ...values,
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => macros[name] ?? whole);
}

/**
 * What is wrong with a query: a parse error, a metric the code does not emit, or a label that
 * none of the query's metrics carries.
 */
export function promqlProblems(expr: string, vocabulary: Vocabulary): string[] {
  const text = withGrafanaMacros(expr);
  const problems: string[] = [];
  const metrics: string[] = [];
  const labels: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      const slice = text.slice(node.from, node.to);
      if (node.type.isError)
        problems.push(`syntax error at ${node.from}: "${text.slice(node.from, node.from + 20)}"`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metrics.push(slice);
      if (node.name === 'LabelName') labels.push(slice);
    },
  });
  const known = new Set(TARGET_LABELS);
  for (const metric of metrics) {
    const family = vocabulary.get(metric);
    if (!family) problems.push(`metric ${metric} is not emitted by the code`);
    for (const label of family ?? []) known.add(label);
  }
  for (const label of labels)
    if (!known.has(label)) problems.push(`label ${label} is not on ${metrics.join(', ')}`);
  return problems;
}
