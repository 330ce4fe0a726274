// The service graph model: built from two scrapes of the Istio metrics the mesh itself emits (both
// reporters, the gateway, calls that reached no workload), or from rates as Prometheus gives them;
// health per edge; N+1 findings from traces put on their edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parsePrometheusText,
  type Sample,
} from '../../../../mesh-client/prometheus/prometheus-text.ts';
import { markNPlusOne } from '../../../../mesh-client/graph/n-plus-one.ts';
import { serviceGraphFromScrapes } from '../../../../mesh-client/graph/scrape-rates.ts';
import {
  buildServiceGraph,
  type GraphEdge,
  type RequestRate,
  type ServiceGraph,
} from '../../../../mesh-client/graph/service-graph.ts';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { callLabels, identityOf, INGRESS_GATEWAY } from '../../../../mesh/proxy/identity.ts';
import { createIstioMetrics, type IstioMetrics } from '../../../../mesh/telemetry/istio-metrics.ts';
import { sourceCallLabels } from '../../../support/istio-call-labels.ts';

const topology = declaredMeshTopology();

interface Call {
  /** A workload (`quiz-v1`) or the ingress gateway. */
  from: string;
  /** The Service called. */
  to: string;
  /** The workload that answered; none when the call reached none (no healthy upstream, a fault). */
  answeredBy?: string;
  code: number;
  flags?: string;
}

/** Records `count` calls as the mesh's proxy does: both reporters when a workload answered. */
function record(metrics: IstioMetrics, call: Call, count: number): void {
  const instance = topology.instances.find((i) => i.workload === call.answeredBy);
  const caller = topology.instances.find((i) => i.workload === call.from);
  const source =
    call.from === 'istio-ingressgateway' || !caller ? INGRESS_GATEWAY : identityOf(caller);
  const service = topology.services.find((s) => s.name === call.to);
  const flags = call.flags ?? '-';
  for (let i = 0; i < count; i++) {
    metrics.record({
      key: JSON.stringify(call),
      labels: () => callLabels(source, service, instance, call.code, flags),
      destinationSecurity: 'mutual_tls',
      reachedDestination: instance !== undefined,
      durationMs: 3,
      requestBytes: 0,
      responseBytes: 10,
    });
  }
}

const scrape = async (metrics: IstioMetrics): Promise<Sample[]> =>
  parsePrometheusText(await metrics.registry.metrics());

const edge = (graph: ServiceGraph, source: string, destination: string): GraphEdge | undefined =>
  graph.edges.find((e) => e.source === source && e.destination === destination);

const FRONTEND_QUIZ_V1: Call = {
  from: 'frontend-v1',
  to: 'quiz',
  answeredBy: 'quiz-v1',
  code: 200,
};

describe('the service graph from two scrapes of the mesh', () => {
  it('has a node per workload and version, the gateway, and an edge per caller and callee with its rate', async () => {
    const metrics = createIstioMetrics();
    record(
      metrics,
      { from: 'istio-ingressgateway', to: 'frontend', answeredBy: 'frontend-v1', code: 200 },
      5,
    );
    const before = await scrape(metrics);
    record(
      metrics,
      { from: 'istio-ingressgateway', to: 'frontend', answeredBy: 'frontend-v1', code: 200 },
      20,
    );
    record(metrics, FRONTEND_QUIZ_V1, 8);
    record(metrics, { ...FRONTEND_QUIZ_V1, code: 504 }, 2);
    record(
      metrics,
      { from: 'quiz-v1', to: 'descriptions', answeredBy: 'descriptions-v1', code: 200 },
      40,
    );
    const graph = serviceGraphFromScrapes(before, await scrape(metrics), 2);

    assert.deepEqual(
      graph.nodes.map((n) => [n.id, n.kind, n.app, n.version]),
      [
        ['gateway:istio-ingressgateway', 'gateway', 'istio-ingressgateway', undefined],
        ['workload:descriptions:v1', 'workload', 'descriptions', 'v1'],
        ['workload:frontend:v1', 'workload', 'frontend', 'v1'],
        ['workload:quiz:v1', 'workload', 'quiz', 'v1'],
      ],
    );
    assert.deepEqual(
      graph.edges.map((e) => [e.source, e.destination, e.requestsPerSecond, e.errorRate, e.state]),
      [
        ['gateway:istio-ingressgateway', 'workload:frontend:v1', 10, 0, 'healthy'],
        ['workload:frontend:v1', 'workload:quiz:v1', 5, 0.2, 'failing'],
        ['workload:quiz:v1', 'workload:descriptions:v1', 20, 0, 'healthy'],
      ],
    );
    assert.deepEqual(edge(graph, 'workload:frontend:v1', 'workload:quiz:v1')?.responseCodes, {
      '200': 4,
      '504': 1,
    });
    assert.equal(graph.windowSeconds, 2);
  });

  it('counts each call once, though the mesh reports it as both the source and the destination', async () => {
    const metrics = createIstioMetrics();
    const before = await scrape(metrics);
    record(metrics, FRONTEND_QUIZ_V1, 10);
    const after = await scrape(metrics);
    assert.equal(after.filter((s) => s.name === 'istio_requests_total').length, 2); // both reporters
    assert.equal(serviceGraphFromScrapes(before, after, 1).edges[0]?.requestsPerSecond, 10);
  });

  it('sends a call no workload answered to its Service node, counted from the source report alone', async () => {
    const metrics = createIstioMetrics();
    const before = await scrape(metrics);
    record(metrics, { from: 'quiz-v3', to: 'descriptions', code: 503, flags: 'UH' }, 3);
    record(
      metrics,
      { from: 'quiz-v3', to: 'descriptions', answeredBy: 'descriptions-v1', code: 200 },
      3,
    );
    const graph = serviceGraphFromScrapes(before, await scrape(metrics), 1);

    assert.deepEqual(
      graph.nodes.map((n) => [n.id, n.kind]),
      [
        ['workload:descriptions:v1', 'workload'],
        ['service:descriptions', 'service'],
        ['workload:quiz:v3', 'workload'],
      ],
    );
    const unanswered = edge(graph, 'workload:quiz:v3', 'service:descriptions');
    assert.deepEqual(
      [unanswered?.requestsPerSecond, unanswered?.errorRate, unanswered?.state],
      [3, 1, 'failing'],
    );
  });

  it('shows an edge whose counters did not move in the window as idle, with no error rate', async () => {
    const metrics = createIstioMetrics();
    record(metrics, { from: 'frontend-v1', to: 'quiz', answeredBy: 'quiz-v2', code: 500 }, 4);
    const before = await scrape(metrics);
    record(metrics, FRONTEND_QUIZ_V1, 1);
    const graph = serviceGraphFromScrapes(before, await scrape(metrics), 1);

    const idle = edge(graph, 'workload:frontend:v1', 'workload:quiz:v2');
    assert.deepEqual([idle?.requestsPerSecond, idle?.errorRate, idle?.state], [0, null, 'idle']);
    assert.equal(edge(graph, 'workload:frontend:v1', 'workload:quiz:v1')?.state, 'healthy');
  });

  it('counts a counter that went down (the mesh restarted) from zero', () => {
    const labels = {
      reporter: 'source',
      source_workload: 'a-v1',
      source_app: 'a',
      source_version: 'v1',
      destination_workload: 'b-v1',
      destination_app: 'b',
      destination_version: 'v1',
      response_code: '200',
    };
    const sample = (value: number): Sample => ({ name: 'istio_requests_total', labels, value });
    const graph = serviceGraphFromScrapes([sample(500)], [sample(30)], 10);
    assert.equal(graph.edges[0]?.requestsPerSecond, 3);
  });
});

/** A rate as `sum by (…) (rate(istio_requests_total[…]))` gives it. */
function rate(
  from: string,
  to: string,
  code: string,
  perSecond: number,
  more: Record<string, string> = {},
): RequestRate {
  return { labels: sourceCallLabels(from, to, code, more), perSecond };
}

describe('the service graph from rates', () => {
  it('marks an edge failing above 10% 5xx, degraded with any 5xx, healthy with none, as Kiali does', () => {
    const graph = buildServiceGraph(
      [
        rate('frontend v1', 'quiz v1', '200', 89),
        rate('frontend v1', 'quiz v1', '503', 11),
        rate('frontend v1', 'quiz v2', '200', 90),
        rate('frontend v1', 'quiz v2', '500', 10),
        rate('frontend v1', 'quiz v3', '200', 99),
        rate('frontend v1', 'quiz v3', '404', 1),
      ],
      60,
    );
    assert.deepEqual(
      graph.edges.map((e) => [e.destination, e.errorRate, e.state]),
      [
        ['workload:quiz:v1', 0.11, 'failing'],
        ['workload:quiz:v2', 0.1, 'degraded'],
        ['workload:quiz:v3', 0, 'healthy'],
      ],
    );
  });

  it('keeps source reports and destination reports of unnamed callers, and drops the rest', () => {
    const graph = buildServiceGraph(
      [
        rate('frontend v1', 'quiz v1', '200', 4, { reporter: 'source' }),
        rate('frontend v1', 'quiz v1', '200', 4, { reporter: 'destination' }),
        rate('unknown', 'frontend v1', '200', 2, {
          reporter: 'destination',
          source_app: 'unknown',
        }),
      ],
      60,
    );
    assert.deepEqual(
      graph.edges.map((e) => [e.source, e.destination, e.requestsPerSecond]),
      [
        ['workload:frontend:v1', 'workload:quiz:v1', 4],
        ['unknown', 'workload:frontend:v1', 2],
      ],
    );
    assert.deepEqual(graph.nodes.at(-1), { id: 'unknown', kind: 'unknown', app: 'unknown' });
  });

  it('sends a call that reached neither a workload nor a Service to the unknown node', () => {
    const graph = buildServiceGraph(
      [
        rate('quiz v1', 'unknown unknown', '404', 1, {
          destination_workload: 'unknown',
          destination_service_name: 'unknown',
        }),
      ],
      60,
    );
    assert.deepEqual(graph.edges[0]?.destination, 'unknown');
  });

  it('treats a rate that is not a finite positive number as no traffic', () => {
    const graph = buildServiceGraph(
      [rate('a v1', 'b v1', '200', NaN), rate('a v1', 'b v1', '200', Infinity)],
      60,
    );
    assert.equal(graph.edges[0]?.state, 'idle');
  });

  it('gives the same nodes and edges in the same order whatever order the rates come in', () => {
    const rates = [
      rate('quiz v3', 'scores v1', '200', 1),
      rate('frontend v1', 'quiz v3', '200', 2),
      rate('frontend v1', 'quiz v1', '200', 3),
      rate('quiz v1', 'descriptions v1', '200', 4),
      rate('frontend v1', 'images v1', '200', 5),
    ];
    const once = buildServiceGraph(rates, 60);
    assert.deepEqual(buildServiceGraph([...rates].reverse(), 60), once);
    assert.deepEqual(
      once.edges.map((e) => `${e.source} ${e.destination}`),
      [
        'workload:frontend:v1 workload:images:v1',
        'workload:frontend:v1 workload:quiz:v1',
        'workload:frontend:v1 workload:quiz:v3',
        'workload:quiz:v1 workload:descriptions:v1',
        'workload:quiz:v3 workload:scores:v1',
      ],
    );
  });

  it('never lets two different apps or versions share a node, whatever their names hold', () => {
    const graph = buildServiceGraph(
      [rate('a:b c', 'x v1', '200', 1), rate('a b:c', 'x v1', '200', 1)],
      60,
    );
    assert.equal(new Set(graph.nodes.map((n) => n.id)).size, 3);
    assert.doesNotThrow(() => buildServiceGraph([rate('a v\ud800', 'x v1', '200', 1)], 60));
  });

  it('keeps a response code named like an object property as a code', () => {
    const graph = buildServiceGraph([rate('a v1', 'b v1', '__proto__', 2)], 60);
    assert.deepEqual(Object.entries(graph.edges[0]?.responseCodes ?? {}), [['__proto__', 2]]);
  });
});

describe('N+1 findings on the graph', () => {
  const graph = buildServiceGraph(
    [
      rate('quiz v1', 'descriptions v1', '200', 40),
      rate('quiz v3', 'descriptions v1', '200', 1),
      rate('quiz v1', 'images v1', '200', 1),
    ],
    60,
  );

  it("marks the edges from the caller's version to the downstream app, with the largest count", () => {
    const marked = markNPlusOne(graph, [
      { caller: 'quiz', callerVersion: 'v1', downstream: 'descriptions', callCount: 25 },
      { caller: 'quiz', callerVersion: 'v1', downstream: 'descriptions', callCount: 50 },
      { caller: 'quiz', callerVersion: 'v1', downstream: 'descriptions', callCount: 12 },
    ]);
    assert.deepEqual(
      marked.edges.map((e) => [e.source, e.destination, e.nPlusOne?.calls]),
      [
        ['workload:quiz:v1', 'workload:descriptions:v1', 50],
        ['workload:quiz:v1', 'workload:images:v1', undefined],
        ['workload:quiz:v3', 'workload:descriptions:v1', undefined],
      ],
    );
    assert.equal(graph.edges[0]?.nPlusOne, undefined); // the graph given is left as it was
  });

  it('adds the edge, idle, when the window saw no calls on it', () => {
    const marked = markNPlusOne(graph, [
      { caller: 'quiz', callerVersion: 'v2', downstream: 'descriptions', callCount: 10 },
    ]);
    const added = marked.edges.find((e) => e.source === 'workload:quiz:v2');
    assert.deepEqual(
      [added?.destination, added?.state, added?.nPlusOne],
      ['workload:descriptions:v1', 'idle', { calls: 10 }],
    );
    assert.ok(marked.nodes.some((n) => n.id === 'workload:quiz:v2'));
  });

  it('marks every version of a caller whose traces named no version', () => {
    const marked = markNPlusOne(graph, [
      { caller: 'quiz', downstream: 'descriptions', callCount: 12 },
    ]);
    assert.deepEqual(
      marked.edges.filter((e) => e.nPlusOne).map((e) => [e.source, e.nPlusOne?.calls]),
      [
        ['workload:quiz:v1', 12],
        ['workload:quiz:v3', 12],
      ],
    );
  });
});
