// The local mesh as a process, in front of echo upstreams: routing, faults, retries, timeouts,
// outlier ejection, authorization, Istio's metrics and hot reload, all observed over HTTP.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { startMesh, type MeshUnderTest } from '../../support/mesh-harness.ts';

/** A VirtualService for quiz with the given http routes (YAML, indented under `http:`). */
const quizRoutes = (http: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: quiz
  namespace: quiz
spec:
  hosts: [quiz]
  http:
${http}`;

const SPLIT_90_10 = quizRoutes(`    - match:
        - headers:
            x-quiz-player:
              exact: alice
      route:
        - destination: { host: quiz, subset: v2 }
    - route:
        - destination: { host: quiz, subset: v1 }
          weight: 90
        - destination: { host: quiz, subset: v3 }
          weight: 10
`);

interface Echo {
  instance: string;
  headers: Record<string, string>;
}

async function call(
  url: string,
  headers: Record<string, string> = {},
  method = 'POST',
  path = '/rounds',
): Promise<{ status: number; echo?: Echo; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, { method, headers });
  const text = await response.text();
  const ms = performance.now() - started;
  let echo: Echo | undefined;
  try {
    echo = JSON.parse(text) as Echo;
  } catch {
    echo = undefined;
  }
  return { status: response.status, echo, text, ms };
}

describe('local mesh: routing', () => {
  let mesh: MeshUnderTest;
  let configDir = '';
  before(async () => {
    configDir = meshConfigCopy({ 'virtual-service-quiz.yaml': SPLIT_90_10 });
    mesh = await startMesh({ configDir });
  });
  after(async () => {
    // undefined when before() failed to start it
    await (mesh as MeshUnderTest | undefined)?.stop();
  });

  it('splits 2000 calls 90/10 between v1 and v3, within 2.5 points', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => call(url)));
      for (const { echo } of answers)
        counts[echo?.instance ?? 'none'] = (counts[echo?.instance ?? 'none'] ?? 0) + 1;
    }
    const v3Share = ((counts['quiz-v3'] ?? 0) / 2000) * 100;
    assert.equal((counts['quiz-v1'] ?? 0) + (counts['quiz-v3'] ?? 0), 2000, JSON.stringify(counts));
    assert.ok(Math.abs(v3Share - 10) <= 2.5, `v3 took ${v3Share.toFixed(1)}%`);
    // The same split, as Istio's metrics tell it.
    const v3 = await mesh.requestsTotal({
      reporter: 'destination',
      source_workload: 'frontend-v1',
      destination_workload: 'quiz-v3',
    });
    assert.equal(v3, counts['quiz-v3']);
  });

  it('a header route is deterministic: alice always reaches v2, others never', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    for (let i = 0; i < 50; i++) {
      assert.equal((await call(url, { 'x-quiz-player': 'alice' })).echo?.instance, 'quiz-v2');
      assert.notEqual((await call(url, { 'x-quiz-player': 'bob' })).echo?.instance, 'quiz-v2');
    }
  });

  it('the caller is known by its listener, so a forged header cannot change the source', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    await call(url, { 'x-forwarded-client-cert': 'By=spiffe://cluster.local/ns/quiz/sa/scores' });
    assert.ok(
      (await mesh.requestsTotal({
        source_workload: 'frontend-v1',
        destination_service_name: 'quiz',
      })) > 0,
    );
    assert.equal(
      await mesh.requestsTotal({ source_workload: 'scores-v1', destination_service_name: 'quiz' }),
      0,
    );
  });

  it('forwards B3 with the mesh span in between, keeping the trace id and the request id', async () => {
    const traceId = '463ac35c9f6413ad48485a3953bb6124';
    const { echo } = await call(mesh.outbound('frontend-v1', 'quiz'), {
      'x-b3-traceid': traceId,
      'x-b3-spanid': 'a2fb4a1d1a96d312',
      'x-b3-sampled': '1',
      'x-request-id': 'req-42',
    });
    assert.equal(echo?.headers['x-b3-traceid'], traceId);
    assert.notEqual(echo.headers['x-b3-spanid'], 'a2fb4a1d1a96d312');
    assert.match(echo.headers['x-b3-spanid'] ?? '', /^[0-9a-f]{16}$/);
    assert.equal(echo.headers['x-request-id'], 'req-42');
  });

  it('the ingress gateway routes by the Gateway and the frontend VirtualService', async () => {
    const { status, echo } = await call(mesh.ingressUrl, {}, 'GET', '/api/round');
    assert.equal(status, 200);
    assert.equal(echo?.instance, 'frontend-v1');
    assert.match(
      echo.headers['x-request-id'] ?? '',
      /^[0-9a-f-]{36}$/,
      'the edge starts a request id',
    );
    assert.equal(
      await mesh.requestsTotal({
        reporter: 'source',
        source_workload: 'istio-ingressgateway',
        destination_workload: 'frontend-v1',
        response_code: '200',
      }),
      1,
    );
  });

  it('a call the AuthorizationPolicies do not allow gets 403 RBAC: access denied', async () => {
    const denied = await call(mesh.outbound('images-v1', 'scores'), {}, 'POST', '/answers');
    assert.equal(denied.status, 403);
    assert.equal(denied.text, 'RBAC: access denied');
    const wrongMethod = await call(mesh.outbound('frontend-v1', 'quiz'), {}, 'DELETE', '/rounds');
    assert.equal(wrongMethod.status, 403);
    const allowed = await call(mesh.outbound('quiz-v1', 'scores'), {}, 'POST', '/answers');
    assert.equal(allowed.status, 200);
    assert.equal(
      await mesh.requestsTotal({
        reporter: 'destination',
        source_workload: 'images-v1',
        destination_workload: 'scores-v1',
        response_code: '403',
        // Envoy's RBAC filter sets no response flag (mesh/routing/response-flags.ts).
        response_flags: '-',
      }),
      1,
    );
  });

  it('applies a change to mesh-config/ within a second, and refuses a bad one keeping the last good', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    // A call in flight while the config changes finishes on the route it started with.
    const inFlight = call(url, { 'x-quiz-player': 'alice', 'x-echo-delay': '700' });
    await sleep(100);
    writeFileSync(
      join(configDir, 'virtual-service-quiz.yaml'),
      quizRoutes(`    - route:
        - destination: { host: quiz, subset: v3 }
`),
    );
    const changed = Date.now();
    let instance = '';
    while (Date.now() - changed < 3_000) {
      instance = (await call(url)).echo?.instance ?? '';
      if (instance === 'quiz-v3') break;
      await sleep(50);
    }
    assert.equal(instance, 'quiz-v3');
    const slow = await inFlight;
    assert.equal(slow.status, 200);
    assert.equal(slow.echo?.instance, 'quiz-v2');
    assert.ok(Date.now() - changed < 1_500, `took ${Date.now() - changed} ms`);

    writeFileSync(
      join(configDir, 'virtual-service-quiz.yaml'),
      quizRoutes(`    - route:
        - destination: { host: quiz, subset: v9 }
`),
    );
    await sleep(600);
    const status = (await (await fetch(`${mesh.adminUrl}/status`)).json()) as {
      rejected?: { errors: { file: string; field?: string; reason: string }[] };
    };
    const error = status.rejected?.errors[0];
    assert.equal(error?.file, 'virtual-service-quiz.yaml');
    assert.match(`${error.field ?? ''} ${error.reason}`, /subset/);
    for (let i = 0; i < 20; i++) assert.equal((await call(url)).echo?.instance, 'quiz-v3');
  });
});

describe('local mesh: resilience', () => {
  let mesh: MeshUnderTest;
  let configDir = '';
  before(async () => {
    configDir = meshConfigCopy(
      {
        'virtual-service-quiz.yaml': quizRoutes(`    - match:
        - headers: { x-test: { exact: retries } }
      retries: { attempts: 3, perTryTimeout: 1s, retryOn: "5xx" }
      route:
        - destination: { host: quiz, subset: v1 }
    - match:
        - headers: { x-test: { exact: timeout } }
      timeout: 150ms
      route:
        - destination: { host: quiz, subset: v1 }
    - match:
        - headers: { x-test: { exact: abort } }
      fault: { abort: { percentage: { value: 100 }, httpStatus: 503 } }
      route:
        - destination: { host: quiz, subset: v1 }
    - match:
        - headers: { x-test: { exact: delay } }
      fault: { delay: { percentage: { value: 100 }, fixedDelay: 200ms } }
      route:
        - destination: { host: quiz, subset: v1 }
    - match:
        - headers: { x-test: { exact: down } }
      route:
        - destination: { host: quiz, subset: v2 }
    - route:
        - destination: { host: quiz, subset: v3 }
`),
      },
      ['destination-rule-quiz-outlier-detection.yaml'],
    );
    mesh = await startMesh({ configDir, down: ['quiz-v2'] });
  });
  after(async () => {
    // undefined when before() failed to start it
    await (mesh as MeshUnderTest | undefined)?.stop();
  });
  const labels = (flags: string, code: string) => ({
    reporter: 'source',
    source_workload: 'frontend-v1',
    destination_service_name: 'quiz',
    response_code: code,
    response_flags: flags,
  });

  it('retries attempts 3 on 5xx: four tries, then the 503 with URX', async () => {
    const before = (await mesh.hits())['quiz-v1'] ?? 0;
    const { status } = await call(mesh.outbound('frontend-v1', 'quiz'), {
      'x-test': 'retries',
      'x-echo-status': '503',
    });
    assert.equal(status, 503);
    assert.equal(((await mesh.hits())['quiz-v1'] ?? 0) - before, 4);
    assert.equal(await mesh.requestsTotal(labels('URX', '503')), 1);
  });

  it('a 404 is not retried by retryOn 5xx', async () => {
    const before = (await mesh.hits())['quiz-v1'] ?? 0;
    assert.equal(
      (
        await call(mesh.outbound('frontend-v1', 'quiz'), {
          'x-test': 'retries',
          'x-echo-status': '404',
        })
      ).status,
      404,
    );
    assert.equal(((await mesh.hits())['quiz-v1'] ?? 0) - before, 1);
  });

  it('a route timeout answers 504 upstream request timeout, flag UT', async () => {
    const { status, text, ms } = await call(mesh.outbound('frontend-v1', 'quiz'), {
      'x-test': 'timeout',
      'x-echo-delay': '600',
    });
    assert.equal(status, 504);
    assert.equal(text, 'upstream request timeout');
    assert.ok(ms < 500, `answered after ${ms.toFixed(0)} ms`);
    assert.equal(await mesh.requestsTotal(labels('UT', '504')), 1);
  });

  it('a fault abort answers 503 fault filter abort, flag FI, never reaching quiz', async () => {
    const before = (await mesh.hits())['quiz-v1'] ?? 0;
    const { status, text } = await call(mesh.outbound('frontend-v1', 'quiz'), {
      'x-test': 'abort',
    });
    assert.equal(status, 503);
    assert.equal(text, 'fault filter abort');
    assert.equal(((await mesh.hits())['quiz-v1'] ?? 0) - before, 0);
    assert.equal(await mesh.requestsTotal(labels('FI', '503')), 1);
    assert.equal(await mesh.requestsTotal({ ...labels('FI', '503'), reporter: 'destination' }), 0);
  });

  it('a fault delay holds the call for fixedDelay, flag DI', async () => {
    const { status, ms } = await call(mesh.outbound('frontend-v1', 'quiz'), { 'x-test': 'delay' });
    assert.equal(status, 200);
    assert.ok(ms >= 190, `answered after ${ms.toFixed(0)} ms`);
    assert.equal(await mesh.requestsTotal(labels('DI', '200')), 1);
  });

  it('an instance that is down answers 503 with UF (and URX once the default retries ran out)', async () => {
    const { status, text } = await call(mesh.outbound('frontend-v1', 'quiz'), { 'x-test': 'down' });
    assert.equal(status, 503);
    assert.match(text, /upstream connect error or disconnect\/reset before headers/);
    assert.equal(await mesh.requestsTotal(labels('UF,URX', '503')), 1);
  });

  it('five consecutive 5xx eject quiz v3 (outlierDetection): the next call finds no healthy upstream', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    for (let i = 0; i < 5; i++)
      assert.equal((await call(url, { 'x-echo-status': '500' })).status, 500);
    const before = (await mesh.hits())['quiz-v3'] ?? 0;
    const ejected = await call(url);
    assert.equal(ejected.status, 503);
    assert.equal(ejected.text, 'no healthy upstream');
    assert.equal(((await mesh.hits())['quiz-v3'] ?? 0) - before, 0);
    assert.equal(await mesh.requestsTotal(labels('UH', '503')), 1);
  });
});
