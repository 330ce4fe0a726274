// Outlier detection: Envoy's consecutive-error ejection under an Istio DestinationRule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destinationRule } from '../../../../mesh/config/schema.ts';
import type { MeshInstance } from '../../../../mesh/config/topology.ts';
import { LoadBalancer } from '../../../../mesh/routing/load-balancer.ts';
import { OutlierDetector } from '../../../../mesh/routing/outlier.ts';
import type { OutlierDetectionPolicy } from '../../../../mesh/routing/subsets.ts';

/** An outlierDetection block as a DestinationRule carries it, durations parsed. */
function policy(outlierDetection: Record<string, unknown>): OutlierDetectionPolicy {
  const parsed = destinationRule.parse({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'quiz' },
    spec: { host: 'quiz', trafficPolicy: { outlierDetection } },
  });
  const result = parsed.spec.trafficPolicy?.outlierDetection;
  assert.ok(result);
  return result;
}

const instance = (version: string, port: number): MeshInstance => ({
  workload: `quiz-${version}`,
  namespace: 'quiz',
  labels: { app: 'quiz', version },
  serviceAccount: 'quiz',
  service: 'quiz',
  host: '127.0.0.1',
  port,
});

const v1 = instance('v1', 7001);
const v2 = instance('v2', 7002);
const v3 = instance('v3', 7003);
const quiz = [v1, v2, v3];

/** Record `count` outcomes against a host, 1ms apart from `from`; the last ejection, if any. */
function fail(
  detector: OutlierDetector,
  host: MeshInstance,
  count: number,
  from: number,
  outcome: Parameters<OutlierDetector['record']>[1] = { status: 503 },
) {
  let ejection;
  for (let n = 0; n < count; n++) ejection = detector.record(host, outcome, from + n) ?? ejection;
  return ejection;
}

describe('outlier detection', () => {
  it('five consecutive 5xx eject the host for baseEjectionTime, the sixth request goes elsewhere', () => {
    const detector = new OutlierDetector(
      policy({ maxEjectionPercent: 50, interval: '1s', baseEjectionTime: '30s' }),
      quiz,
      0,
    );
    assert.equal(fail(detector, v1, 4, 1), undefined);
    assert.equal(detector.isEjected(v1, 5), false);
    const ejection = detector.record(v1, { status: 500 }, 5);
    assert.equal(ejection?.reason, 'consecutive-5xx');
    assert.equal(ejection.durationMs, 30_000);
    const balancer = new LoadBalancer();
    for (let n = 0; n < 6; n++) {
      const healthy = detector.healthy(quiz, 6 + n);
      const picked = balancer.pick('quiz', healthy, 'ROUND_ROBIN', { random: () => 0 });
      assert.notEqual(picked?.workload, 'quiz-v1');
    }
    assert.equal(detector.isEjected(v1, 30_999), true);
    assert.equal(detector.isEjected(v1, 31_000), false);
  });

  it('an ejected host returns at the first sweep (every interval) after its ejection time', () => {
    const detector = new OutlierDetector(policy({ maxEjectionPercent: 100 }), quiz, 0);
    const ejection = fail(detector, v2, 5, 4_996);
    assert.equal(ejection?.ejectedAt, 5_000);
    assert.equal(ejection.returnsAt, 40_000);
    assert.equal(detector.isEjected(v2, 39_999), true);
    assert.equal(detector.isEjected(v2, 40_000), false);
  });

  it('a success resets the consecutive count', () => {
    const detector = new OutlierDetector(policy({ maxEjectionPercent: 100 }), quiz, 0);
    fail(detector, v1, 4, 1);
    detector.record(v1, { status: 200 }, 10);
    assert.equal(fail(detector, v1, 4, 11), undefined);
    assert.equal(detector.isEjected(v1, 20), false);
    assert.ok(detector.record(v1, { status: 503 }, 21));
  });

  it('a second ejection lasts twice as long', () => {
    const detector = new OutlierDetector(
      policy({ maxEjectionPercent: 100, interval: '1s', baseEjectionTime: '30s' }),
      quiz,
      0,
    );
    assert.equal(fail(detector, v1, 5, 1)?.durationMs, 30_000);
    assert.equal(detector.isEjected(v1, 31_000), false);
    const second = fail(detector, v1, 5, 31_001);
    assert.equal(second?.ejections, 2);
    assert.equal(second.durationMs, 60_000);
    assert.equal(detector.isEjected(v1, 91_999), true);
    assert.equal(detector.isEjected(v1, 92_000), false);
  });

  it('the ejection time falls back to the base once the host has stayed healthy a while', () => {
    const detector = new OutlierDetector(
      policy({ maxEjectionPercent: 100, interval: '1s', baseEjectionTime: '30s' }),
      quiz,
      0,
    );
    fail(detector, v1, 5, 1);
    assert.equal(fail(detector, v1, 5, 40_000)?.durationMs, 30_000);
  });

  it('maxEjectionPercent 10 of one host does not eject it (Envoy now enforces the limit strictly)', () => {
    const detector = new OutlierDetector(policy({ consecutive5xxErrors: 5 }), [v1], 0);
    assert.equal(fail(detector, v1, 20, 1), undefined);
    assert.deepEqual(detector.healthy([v1], 30), [v1]);
  });

  it('with always_eject_one_host, as older Envoy did, one host is ejected even at 10%', () => {
    const detector = new OutlierDetector(policy({}), [v1], 0, { alwaysEjectOneHost: true });
    assert.ok(fail(detector, v1, 5, 1));
    assert.deepEqual(detector.healthy([v1], 10), []);
  });

  it('maxEjectionPercent counts the host being ejected: 50% of three hosts ejects one, not two', () => {
    const detector = new OutlierDetector(policy({ maxEjectionPercent: 50 }), quiz, 0);
    assert.ok(fail(detector, v1, 5, 1));
    assert.equal(fail(detector, v2, 5, 10), undefined);
    assert.deepEqual(
      detector.ejected(20).map((ejection) => ejection.endpoint),
      ['127.0.0.1:7001'],
    );
  });

  it('a connection failure counts as a 5xx and as a gateway error', () => {
    const fivexx = new OutlierDetector(policy({ maxEjectionPercent: 100 }), quiz, 0);
    assert.ok(fail(fivexx, v1, 5, 1, { connectFailure: true }));
    const gateway = new OutlierDetector(
      policy({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 3, maxEjectionPercent: 100 }),
      quiz,
      0,
    );
    assert.equal(
      fail(gateway, v1, 3, 1, { connectFailure: true })?.reason,
      'consecutive-gateway-errors',
    );
  });

  it('consecutiveGatewayErrors counts 502, 503, 504 and a per-try timeout; a 500 restarts it', () => {
    const detector = new OutlierDetector(
      policy({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 3, maxEjectionPercent: 100 }),
      quiz,
      0,
    );
    for (const [at, status] of [502, 503, 500, 504].entries()) {
      assert.equal(detector.record(v1, { status }, at), undefined);
    }
    assert.equal(detector.record(v1, { timedOut: true }, 10), undefined);
    assert.equal(detector.record(v1, { status: 502 }, 11)?.reason, 'consecutive-gateway-errors');
  });

  it('consecutive5xxErrors 0 turns consecutive-5xx ejection off', () => {
    const detector = new OutlierDetector(
      policy({ consecutive5xxErrors: 0, maxEjectionPercent: 100 }),
      quiz,
      0,
    );
    assert.equal(fail(detector, v1, 50, 1, { status: 500 }), undefined);
  });

  it('without OutlierDetection no host is ever ejected', () => {
    const detector = new OutlierDetector(undefined, quiz, 0);
    assert.equal(fail(detector, v1, 50, 1), undefined);
    assert.deepEqual(detector.healthy(quiz, 100), quiz);
  });

  it('with every host ejected none is healthy (Istio turns Envoy’s panic routing off)', () => {
    const detector = new OutlierDetector(policy({ maxEjectionPercent: 100 }), [v1, v2], 0);
    fail(detector, v1, 5, 1);
    fail(detector, v2, 5, 10);
    assert.deepEqual(detector.healthy([v1, v2], 20), []);
  });

  it('hosts that join the cluster start clean and count toward the ejection limit', () => {
    const detector = new OutlierDetector(policy({ maxEjectionPercent: 50 }), [v1], 0);
    assert.equal(fail(detector, v1, 5, 1), undefined);
    detector.setInstances([v1, v2], 10);
    assert.ok(fail(detector, v1, 5, 11));
  });
});
