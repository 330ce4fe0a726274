// From a route to an instance: weighted destinations, DestinationRule subsets and load balancing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destinationRule, type MeshConfig } from '../../../../mesh/config/schema.ts';
import type { MeshInstance, MeshService, MeshTopology } from '../../../../mesh/config/topology.ts';
import { endpointKey } from '../../../../mesh/routing/endpoint.ts';
import { LoadBalancer } from '../../../../mesh/routing/load-balancer.ts';
import {
  buildSubsetTable,
  resolveDestination,
  type Cluster,
} from '../../../../mesh/routing/subsets.ts';
import { pickWeighted } from '../../../../mesh/routing/weighted.ts';
// The load generator's seeded PRNG: the same draws on every run.
import { seededRandom as seeded } from '../../../../services/kit/seeded-random.ts';

const services: MeshService[] = [
  { name: 'quiz', namespace: 'quiz', port: 8080 },
  { name: 'scores', namespace: 'quiz', port: 8080 },
];

const instance = (service: string, version: string, port: number): MeshInstance => ({
  workload: `${service}-${version}`,
  namespace: 'quiz',
  labels: { app: service, version },
  serviceAccount: service,
  service,
  host: '127.0.0.1',
  port,
});

const topology: MeshTopology = {
  services,
  instances: [
    instance('quiz', 'v1', 7001),
    instance('quiz', 'v2', 7002),
    instance('quiz', 'v3', 7003),
    instance('scores', 'v1', 7101),
  ],
};

function dr(name: string, spec: unknown): MeshConfig['destinationRules'][number] {
  return {
    ...destinationRule.parse({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name },
      spec,
    }),
    source: { file: `${name}.yaml` },
  };
}

const quizRule = dr('quiz', {
  host: 'quiz',
  trafficPolicy: {
    loadBalancer: { simple: 'RANDOM' },
    outlierDetection: { consecutive5xxErrors: 3, baseEjectionTime: '15s' },
  },
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    {
      name: 'v3',
      labels: { version: 'v3' },
      trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } },
    },
  ],
});

function clusterOf(host: string, subset?: string, rules = [quizRule]): Cluster {
  const resolved = resolveDestination(buildSubsetTable({ destinationRules: rules }, topology), {
    host,
    subset,
  });
  if (resolved.kind !== 'cluster')
    assert.fail(`${host} ${subset ?? ''} resolved to ${resolved.kind}`);
  return resolved.cluster;
}

const workloads = (instances: readonly MeshInstance[]) => instances.map((i) => i.workload);

describe('weighted destinations', () => {
  it('weights 90/10 over 10000 draws give 10% ± 1 to the second destination', () => {
    const random = seeded(42);
    const destinations = [
      { destination: { host: 'quiz', subset: 'v1' }, weight: 90 },
      { destination: { host: 'quiz', subset: 'v3' }, weight: 10 },
    ];
    let second = 0;
    for (let draw = 0; draw < 10_000; draw++) {
      if (pickWeighted(destinations, random) === destinations[1]) second++;
    }
    assert.ok(second >= 900 && second <= 1100, `v3 got ${second} of 10000`);
  });

  it('a single destination takes all traffic, whatever its weight', () => {
    const only = { destination: { host: 'quiz' }, weight: 0 };
    assert.equal(
      pickWeighted([only], () => 0.99),
      only,
    );
  });

  it('a destination with weight 0 is never chosen', () => {
    const destinations = [
      { destination: { host: 'quiz', subset: 'v1' }, weight: 0 },
      { destination: { host: 'quiz', subset: 'v3' }, weight: 100 },
    ];
    for (const draw of [0, 0.3, 0.999999]) {
      assert.equal(
        pickWeighted(destinations, () => draw),
        destinations[1],
      );
    }
  });

  it('weights are shares of their total', () => {
    const destinations = [{ weight: 1 }, { weight: 1 }];
    assert.equal(
      pickWeighted(destinations, () => 0.49),
      destinations[0],
    );
    assert.equal(
      pickWeighted(destinations, () => 0.5),
      destinations[1],
    );
    assert.equal(
      pickWeighted([{ weight: 0 }, { weight: 0 }], () => 0.5),
      undefined,
    );
  });
});

describe('DestinationRule subsets', () => {
  it('a subset selects instances by label', () => {
    const cluster = clusterOf('quiz', 'v3');
    assert.deepEqual(workloads(cluster.instances), ['quiz-v3']);
    assert.equal(cluster.name, 'outbound|8080|v3|quiz.quiz.svc.cluster.local');
  });

  it('no subset means every instance of the service', () => {
    assert.deepEqual(workloads(clusterOf('quiz.quiz.svc.cluster.local').instances), [
      'quiz-v1',
      'quiz-v2',
      'quiz-v3',
    ]);
  });

  it('a subset traffic policy overrides the top-level one field by field', () => {
    const v3 = clusterOf('quiz', 'v3').trafficPolicy;
    assert.deepEqual(v3.loadBalancer, { simple: 'ROUND_ROBIN' });
    assert.deepEqual(v3.outlierDetection, { consecutive5xxErrors: 3, baseEjectionTime: 15_000 });
    assert.deepEqual(clusterOf('quiz', 'v1').trafficPolicy.loadBalancer, { simple: 'RANDOM' });
  });

  it('a service without a DestinationRule has no traffic policy and all its instances', () => {
    const scores = clusterOf('scores');
    assert.deepEqual(scores.trafficPolicy, {});
    assert.deepEqual(workloads(scores.instances), ['scores-v1']);
    assert.deepEqual(scores.destinationRules, []);
  });

  it('a subset no DestinationRule defines has no cluster (Envoy answers 503 NC)', () => {
    const table = buildSubsetTable({ destinationRules: [quizRule] }, topology);
    const resolved = resolveDestination(table, { host: 'quiz', subset: 'v2' });
    assert.equal(resolved.kind, 'unknown-subset');
  });

  it('a host naming no service of the mesh is unknown', () => {
    const table = buildSubsetTable({ destinationRules: [] }, topology);
    assert.deepEqual(resolveDestination(table, { host: 'payments' }), {
      kind: 'unknown-host',
      host: 'payments',
    });
  });

  it('DestinationRules for one host merge: all subsets, the first top-level policy', () => {
    const extra = dr('quiz-extra', {
      host: 'quiz.quiz.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
      subsets: [
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v1', labels: { version: 'v3' } },
      ],
    });
    assert.deepEqual(workloads(clusterOf('quiz', 'v2', [quizRule, extra]).instances), ['quiz-v2']);
    assert.deepEqual(workloads(clusterOf('quiz', 'v1', [quizRule, extra]).instances), ['quiz-v1']);
    assert.deepEqual(clusterOf('quiz', 'v2', [quizRule, extra]).trafficPolicy.loadBalancer, {
      simple: 'RANDOM',
    });
  });
});

describe('load balancing', () => {
  const quiz = topology.instances.slice(0, 3);

  it('ROUND_ROBIN takes the instances in turn, with one counter per cluster', () => {
    const balancer = new LoadBalancer();
    const random = () => 0;
    const picks = [0, 1, 2, 3].map(
      (): string | undefined => balancer.pick('a', quiz, 'ROUND_ROBIN', { random })?.workload,
    );
    assert.deepEqual(picks, ['quiz-v1', 'quiz-v2', 'quiz-v3', 'quiz-v1']);
    assert.equal(balancer.pick('b', quiz, 'ROUND_ROBIN', { random })?.workload, 'quiz-v1');
  });

  it('LEAST_REQUEST keeps the less loaded of two random choices', () => {
    const balancer = new LoadBalancer();
    const draws = [0.1, 0.9];
    const inFlight = (i: MeshInstance) => (i.workload === 'quiz-v1' ? 5 : 1);
    const picked = balancer.pick('a', quiz, 'LEAST_REQUEST', {
      random: () => draws.shift() ?? 0,
      inFlight,
    });
    assert.equal(picked?.workload, 'quiz-v3');
  });

  it('LEAST_REQUEST spreads load toward idle instances', () => {
    const balancer = new LoadBalancer();
    const random = seeded(7);
    const load = new Map<string, number>(quiz.map((i) => [i.workload, 0]));
    const busy = new Set(['quiz-v1']);
    const inFlight = (i: MeshInstance) => (busy.has(i.workload) ? 10 : 0);
    for (let n = 0; n < 3000; n++) {
      const picked = balancer.pick('a', quiz, 'LEAST_REQUEST', { random, inFlight });
      if (picked) load.set(picked.workload, (load.get(picked.workload) ?? 0) + 1);
    }
    // v1 wins only when both draws land on it: (1/3)² of the time.
    const v1 = load.get('quiz-v1') ?? 0;
    assert.ok(v1 > 200 && v1 < 450, `quiz-v1 got ${v1} of 3000`);
  });

  it('an unset load balancer is LEAST_REQUEST, Istio’s default', () => {
    const balancer = new LoadBalancer();
    const draws = [0.1, 0.9];
    const picked = balancer.pick('a', quiz, undefined, {
      random: () => draws.shift() ?? 0,
      inFlight: (i) => (i.workload === 'quiz-v3' ? 0 : 3),
    });
    assert.equal(picked?.workload, 'quiz-v3');
  });

  it('RANDOM picks by one uniform draw', () => {
    const balancer = new LoadBalancer();
    assert.equal(balancer.pick('a', quiz, 'RANDOM', { random: () => 0.5 })?.workload, 'quiz-v2');
    assert.equal(balancer.pick('a', quiz, 'RANDOM', { random: () => 0.99 })?.workload, 'quiz-v3');
  });

  it('PASSTHROUGH is balanced like ROUND_ROBIN locally', () => {
    const balancer = new LoadBalancer();
    const picks = [0, 1, 2].map(
      () => balancer.pick('a', quiz, 'PASSTHROUGH', { random: () => 0 })?.workload,
    );
    assert.deepEqual(picks, ['quiz-v1', 'quiz-v2', 'quiz-v3']);
  });

  it('a retry avoids the instances already tried while others remain', () => {
    const balancer = new LoadBalancer();
    const tried = new Set([
      endpointKey(quiz[0] as MeshInstance),
      endpointKey(quiz[1] as MeshInstance),
    ]);
    for (let n = 0; n < 5; n++) {
      const picked = balancer.pick('a', quiz, 'ROUND_ROBIN', { random: () => 0, avoid: tried });
      assert.equal(picked?.workload, 'quiz-v3');
    }
    const all = new Set(quiz.map(endpointKey));
    assert.ok(balancer.pick('a', quiz, 'RANDOM', { random: () => 0, avoid: all }));
  });

  it('no healthy instance, no pick', () => {
    assert.equal(new LoadBalancer().pick('a', [], 'ROUND_ROBIN', { random: () => 0 }), undefined);
  });
});
