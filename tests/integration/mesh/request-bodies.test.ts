// Request bodies through the local mesh, as Envoy's router handles them: streamed to the upstream
// as they arrive, a copy kept for retries up to the retry buffer limit, and past it the retry
// given up (Envoy's retry_or_shadow_abandoned) while the body streams on; Istio's request_bytes
// counts every byte either way.
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { MAX_REQUEST_BYTES, PAYLOAD_TOO_LARGE } from '../../../mesh/proxy/request-body.ts';
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
        - headers: { x-test: { exact: retries } }
      retries: { attempts: 3, perTryTimeout: 5s, retryOn: "5xx" }
      route:
        - destination: { host: quiz, subset: v1 }
    - route:
        - destination: { host: quiz, subset: v3 }
`;

interface Answer {
  status: number;
  text: string;
  bodyBytes?: number;
}

/**
 * POSTs `size` bytes in 64 KiB chunks, with a Content-Length unless `chunked`; `between` runs
 * after the first chunk, before the rest, and may wait for the answer to have arrived. An answer
 * that came before the mesh closed the connection is kept.
 */
function upload(
  url: string,
  size: number,
  headers: Record<string, string> = {},
  between: (answered: Promise<unknown>) => Promise<unknown> = () => Promise.resolve(),
  chunked = false,
): Promise<Answer> {
  let answered: (value: unknown) => void = () => undefined;
  const answer = new Promise((resolve) => (answered = resolve));
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/rounds`, {
      method: 'POST',
      headers: chunked ? headers : { ...headers, 'content-length': String(size) },
      agent: false,
    });
    let ended = false;
    req.on('error', (err) => {
      if (!ended) reject(err);
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        ended = true;
        answered(undefined);
        let bodyBytes: number | undefined;
        try {
          bodyBytes = (JSON.parse(text) as { bodyBytes?: number }).bodyBytes;
        } catch {
          bodyBytes = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, bodyBytes });
      });
    });
    const chunk = Buffer.alloc(64 * 1024, 'q');
    const send = async (): Promise<void> => {
      let sent = Math.min(chunk.length, size);
      req.write(chunk.subarray(0, sent));
      await between(answer);
      while (sent < size && !req.destroyed) {
        const n = Math.min(chunk.length, size - sent);
        if (!req.write(chunk.subarray(0, n))) await new Promise((r) => req.once('drain', r));
        sent += n;
      }
      req.end();
    };
    send().catch(reject);
  });
}

/** The sum of the samples of `name` on the stats page whose labels include every one of `labels`. */
async function statsValue(mesh: MeshUnderTest, name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(mesh.statsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.every((label) => line.includes(label)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('local mesh: request bodies', () => {
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
  const hitsOf = async (workload: string): Promise<number> => (await mesh.hits())[workload] ?? 0;

  it('an upload reaches the app while its body is still arriving: streamed, not read whole first', async () => {
    const before = await hitsOf('quiz-v3');
    const size = 3 * 1024 * 1024;
    const answer = await upload(mesh.outbound('frontend-v1', 'quiz'), size, {}, async () => {
      // Only the first 64 KiB are sent: the app sees the request before the rest is written.
      const deadline = Date.now() + 5_000;
      while ((await hitsOf('quiz-v3')) === before) {
        if (Date.now() > deadline) assert.fail('quiz-v3 saw nothing of an upload in progress');
        await sleep(20);
      }
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.bodyBytes, size);
  });

  it('a body within the retry buffer is sent whole on every retry', async () => {
    const before = await hitsOf('quiz-v1');
    const size = RETRY_BUFFER_LIMIT_BYTES / 2;
    const answer = await upload(mesh.outbound('frontend-v1', 'quiz'), size, {
      'x-test': 'retries',
      'x-echo-status': '503',
    });
    assert.equal(answer.status, 503);
    assert.equal(answer.bodyBytes, size, 'the last of four tries got the whole body');
    assert.equal((await hitsOf('quiz-v1')) - before, 4);
  });

  it('a body past the retry buffer streams once and is not retried, as Envoy gives the retry up', async () => {
    const before = await hitsOf('quiz-v1');
    const abandoned = 'envoy_cluster_retry_or_shadow_abandoned';
    const cluster = 'envoy_cluster_name="outbound|8080|v1|quiz.quiz.svc.cluster.local"';
    const abandonedBefore = await statsValue(mesh, abandoned, cluster);
    const size = RETRY_BUFFER_LIMIT_BYTES * 2;
    const answer = await upload(mesh.outbound('frontend-v1', 'quiz'), size, {
      'x-test': 'retries',
      'x-echo-status': '503',
    });
    assert.equal(answer.status, 503);
    assert.equal(answer.bodyBytes, size);
    assert.equal((await hitsOf('quiz-v1')) - before, 1);
    assert.equal((await statsValue(mesh, abandoned, cluster)) - abandonedBefore, 1);
    // Not URX: the retries did not run out, they were never attempted.
    const flags = await mesh.requestsTotal({
      reporter: 'source',
      destination_workload: 'quiz-v1',
      response_code: '503',
      response_flags: '-',
    });
    assert.equal(flags, 1);
  });

  it("Istio's request_bytes counts a streamed body's every byte", async () => {
    const size = 2 * 1024 * 1024 + 17;
    const sum = 'istio_request_bytes_sum';
    const labels = ['reporter="destination"', 'destination_workload="quiz-v3"'];
    const before = await statsValue(mesh, sum, ...labels);
    const answer = await upload(mesh.outbound('frontend-v1', 'quiz'), size);
    assert.equal(answer.status, 200);
    assert.equal((await statsValue(mesh, sum, ...labels)) - before, size);
  });

  it(`a declared body past the listener's ${MAX_REQUEST_BYTES} bytes is refused 413 before routing, as Envoy's buffer limit`, async () => {
    const before = await hitsOf('quiz-v3');
    // The client waits for the answer after its first chunk: the mesh closes the connection
    // after it, and a client still writing would see its write fail before reading the answer.
    const answer = await upload(
      mesh.outbound('frontend-v1', 'quiz'),
      MAX_REQUEST_BYTES + 1,
      {},
      (answered) => answered,
    );
    assert.equal(answer.status, PAYLOAD_TOO_LARGE.status);
    assert.equal(answer.text, 'Payload Too Large');
    assert.equal((await hitsOf('quiz-v3')) - before, 0);
    const refused = await mesh.requestsTotal({
      reporter: 'source',
      response_code: '413',
      response_flags: '-',
    });
    assert.equal(refused, 1);
  });

  it('a chunked body that grows past the listener limit is refused 413 too', async () => {
    const answer = await upload(
      mesh.outbound('frontend-v1', 'quiz'),
      MAX_REQUEST_BYTES + 64 * 1024,
      {},
      () => Promise.resolve(),
      true,
    );
    assert.equal(answer.status, PAYLOAD_TOO_LARGE.status);
    assert.equal(answer.text, PAYLOAD_TOO_LARGE.body);
  });

  it('holds no body once every call has ended', async () => {
    const text = await (await fetch(mesh.statsUrl)).text();
    assert.match(text, /^quizmesh_proxy_request_body_buffered_bytes 0$/m);
  });
});
