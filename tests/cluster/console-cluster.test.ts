// `quizmesh console --cluster` against the cluster's Prometheus settings: the real Prometheus of
// the cluster's version running k8s/base's prometheus.yml over the real local mode (quiz split
// 50/50 between v1 and v3; see support/cluster-observability.ts), local mode's trace store as
// Zipkin, and the Kubernetes API stand-in of tests/integration/console/cluster-sources.test.ts holding the
// repo's VirtualServices and DestinationRules. The graph, at the console's default window, draws
// the ingress gateway's calls to frontend from the gateway's own reports (scraped by the
// istio-ingressgateway job alone), has no zipkin node, and marks quiz v1 → descriptions N+1.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphAnswer } from '../../console/server/app.ts';
import { startKubeStandIn, type KubeStandIn } from '../support/kube-stand-in.ts';
import { playRounds, type RoundTraffic } from '../support/quiz-traffic.ts';
import {
  startClusterObservability,
  type ClusterObservability,
} from './support/cluster-observability.ts';
import { startConsole } from '../support/console-process.ts';

/** The console's default --window (30 s) plus two of the cluster's 5 s scrapes. */
const WARM_UP_MS = 40_000;
/** How long the graph may take after that to show everything it should. */
const GRAPH_DEADLINE_MS = 60_000;
const GATEWAY = 'gateway:istio-ingressgateway';

let stack: ClusterObservability;
let kube: KubeStandIn;
let traffic: RoundTraffic;
let served: { child: ChildProcess; url: string };
let graph: GraphAnswer;

/** Starts `quizmesh console` with `args` and resolves with its URL once it says it listens. */

const gatewayToFrontend = (answer: GraphAnswer) =>
  answer.graph.edges.find(
    (e) => e.source === GATEWAY && e.destination.startsWith('workload:frontend:'),
  );
const quizV1ToDescriptions = (answer: GraphAnswer) =>
  answer.graph.edges.find(
    (e) => e.source === 'workload:quiz:v1' && e.destination.startsWith('workload:descriptions:'),
  );

before(async () => {
  [stack, kube] = await Promise.all([
    startClusterObservability({
      'virtual-service-quiz.yaml': 'virtual-service-quiz-v1-50-v3-50.yaml',
    }),
    startKubeStandIn(),
  ]);
  served = await startConsole(
    [
      ...['--cluster', '--prometheus', stack.prometheus.url],
      ...['--zipkin', stack.local.state.zipkinUrl, '--port', '0'],
    ],
    { KUBECONFIG: kube.kubeconfig, QUIZMESH_HOME: mkdtempSync(join(tmpdir(), 'quizmesh-home-')) },
  );
  traffic = playRounds(stack.local.state.siteUrl, ['ana', 'ben', 'cy']);
  await sleep(WARM_UP_MS);
  // The graph as it stands once it shows all this test looks for, or at the deadline: the
  // assertions below then say what is missing.
  const deadline = Date.now() + GRAPH_DEADLINE_MS;
  for (;;) {
    const response = await fetch(`${served.url}/api/graph`);
    assert.equal(response.status, 200, await response.clone().text());
    graph = (await response.json()) as GraphAnswer;
    const gateway = gatewayToFrontend(graph);
    const loop = quizV1ToDescriptions(graph);
    const complete = (gateway?.requestsPerSecond ?? 0) > 0 && loop?.nPlusOne !== undefined;
    if (complete || Date.now() > deadline) break;
    await sleep(3_000);
  }
});

after(async () => {
  const played = await traffic.stop();
  const exited = served.child.exitCode === null ? once(served.child, 'exit') : undefined;
  served.child.kill('SIGTERM');
  await Promise.all([exited, stack.stop(), kube.close()]);
  assert.ok(played > 0, 'no round was played');
});

describe('quizmesh console --cluster on the cluster settings of Prometheus', () => {
  it('GET /api/graph answers at the default window without warnings', () => {
    assert.deepEqual(graph.warnings, []);
    assert.equal(graph.windowSeconds, 30);
  });

  it("draws the ingress gateway → frontend edge, from the gateway's own reports", () => {
    const edge = gatewayToFrontend(graph);
    assert.ok(
      edge !== undefined && edge.requestsPerSecond > 0,
      `no gateway → frontend edge; edges: ${graph.graph.edges.map((e) => `${e.source} → ${e.destination}`).join(', ')}`,
    );
    assert.equal(edge.destination, 'workload:frontend:v1');
  });

  it('has no zipkin node: span exports are no calls of the mesh', () => {
    const zipkin = graph.graph.nodes.filter((n) => n.app === 'zipkin' || n.id.includes('zipkin'));
    assert.deepEqual(zipkin, []);
  });

  it('marks quiz v1 → descriptions N+1, and quiz v3 → descriptions not', () => {
    const loop = quizV1ToDescriptions(graph);
    assert.ok(loop?.nPlusOne !== undefined, JSON.stringify(loop));
    assert.ok(loop.nPlusOne.calls >= 10, JSON.stringify(loop));
    const v3 = graph.graph.edges.find(
      (e) => e.source === 'workload:quiz:v3' && e.destination.startsWith('workload:descriptions:'),
    );
    assert.equal(v3?.nPlusOne, undefined, JSON.stringify(v3));
  });
});
