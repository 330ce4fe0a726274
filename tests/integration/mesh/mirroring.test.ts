// VirtualService mirror through the real local mesh: the caller gets the primary's answer, the
// mirror a copy of the route's share of requests with Envoy's `-shadow` Host, and a failing or slow
// mirror changes nothing for the caller.
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { RETRY_BUFFER_LIMIT_BYTES } from '../../../mesh/proxy/retry-buffers.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { startMesh, type MeshUnderTest } from '../../support/mesh-harness.ts';

const QUIZ_ROUTES = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: quiz
  namespace: quiz
spec:
  hosts: [quiz]
  http:
    - match:
        - headers: { x-test: { exact: half } }
      route:
        - destination: { host: quiz, subset: v1 }
      mirror: { host: quiz, subset: v3 }
      mirrorPercentage: { value: 50 }
    - route:
        - destination: { host: quiz, subset: v1 }
      mirror: { host: quiz, subset: v3 }
`;

/** quiz only takes POST /rounds from frontend (authorization-policies.yaml). */
const BODY = '{"player":"alice"}';

function post(
  url: string,
  headers: Record<string, string> = {},
  body: string = BODY,
): Promise<{ status: number; instance: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/rounds`,
      {
        method: 'POST',
        headers: { host: 'quiz', 'content-length': String(Buffer.byteLength(body)), ...headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const { instance } = JSON.parse(text) as { instance: string };
          resolve({ status: res.statusCode ?? 0, instance, ms: performance.now() - started });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function settle(mesh: MeshUnderTest, workload: string, count: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const hits = (await mesh.hits())[workload] ?? 0;
    if (hits >= count) return hits;
    await sleep(50);
  }
  return (await mesh.hits())[workload] ?? 0;
}

describe('mirroring through the local mesh', () => {
  let mesh: MeshUnderTest;
  before(async () => {
    mesh = await startMesh({
      configDir: meshConfigCopy({ 'virtual-service-quiz.yaml': QUIZ_ROUTES }),
    });
  });
  after(async () => {
    // undefined when before() failed to start it
    await (mesh as MeshUnderTest | undefined)?.stop();
  });

  it('the caller gets v1, and v3 gets a copy with Host quiz-shadow', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    for (let i = 0; i < 5; i++) {
      const answer = await post(url);
      assert.equal(answer.status, 200);
      assert.equal(answer.instance, 'quiz-v1');
    }
    assert.equal(await settle(mesh, 'quiz-v3', 5), 5);
    const hosts = (await mesh.hosts())['quiz-v3'] ?? [];
    assert.deepEqual(hosts, Array<string>(5).fill('quiz-shadow'));
    assert.deepEqual(
      (await mesh.hosts())['quiz-v1']?.every((host) => host === 'quiz'),
      true,
    );
  });

  it('the destination sidecar reports the shadow calls to v3, the source sidecar does not', async () => {
    const labels = { source_workload: 'frontend-v1', destination_workload: 'quiz-v3' };
    assert.equal(
      await mesh.requestsTotal({
        ...labels,
        reporter: 'destination',
        destination_service_name: 'quiz',
      }),
      5,
    );
    assert.equal(await mesh.requestsTotal({ ...labels, reporter: 'source' }), 0);
  });

  it('mirrorPercentage 50 copies about half the requests', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    const start = (await mesh.hits())['quiz-v3'] ?? 0;
    for (let i = 0; i < 200; i++) await post(url, { 'x-test': 'half' });
    await sleep(300);
    const copies = ((await mesh.hits())['quiz-v3'] ?? 0) - start;
    assert.ok(copies > 60 && copies < 140, `${copies} copies of 200`);
  });

  it('a body past the retry buffer reaches v1 and is not shadowed, as Envoy abandons it', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    const before = (await mesh.hits())['quiz-v3'] ?? 0;
    const answer = await post(url, {}, 'q'.repeat(RETRY_BUFFER_LIMIT_BYTES + 1));
    assert.equal(answer.instance, 'quiz-v1');
    await sleep(300);
    assert.equal((await mesh.hits())['quiz-v3'] ?? 0, before);
  });

  it('a slow mirror does not delay the caller', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    const answer = await post(url, { 'x-echo-shadow-delay': '1500' });
    assert.equal(answer.instance, 'quiz-v1');
    assert.ok(answer.ms < 500, `answered in ${answer.ms.toFixed(0)} ms`);
  });
});

describe('a mirror that is down', () => {
  let mesh: MeshUnderTest;
  before(async () => {
    mesh = await startMesh({
      configDir: meshConfigCopy({ 'virtual-service-quiz.yaml': QUIZ_ROUTES }),
      down: ['quiz-v3'],
    });
  });
  after(async () => {
    await (mesh as MeshUnderTest | undefined)?.stop();
  });

  it('changes nothing for the caller', async () => {
    const url = mesh.outbound('frontend-v1', 'quiz');
    for (let i = 0; i < 3; i++) {
      const answer = await post(url);
      assert.equal(answer.status, 200);
      assert.equal(answer.instance, 'quiz-v1');
    }
    const labels = { source_workload: 'frontend-v1', destination_service_name: 'quiz' };
    assert.equal(
      await mesh.requestsTotal({ ...labels, reporter: 'source', response_code: '200' }),
      3,
    );
  });
});
