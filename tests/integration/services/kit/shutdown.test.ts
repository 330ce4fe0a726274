// SIGTERM as a kubelet sends it: readiness fails, the request in flight still gets its answer, its
// span reaches the trace store, and the process exits 0.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { startServiceProcess, type ServiceProcess } from '../../../support/service-process.ts';
import { newTraceHeaders, waitForTrace } from '../../../support/local-mode.ts';

const started: ServiceProcess[] = [];
after(() => {
  for (const service of started) service.child.kill('SIGKILL');
});

describe('graceful shutdown', () => {
  it('on SIGTERM readiness fails, the in-flight request finishes, its span is flushed, exit 0', async () => {
    const store = await startServiceProcess({ entry: 'tracestore/main.ts', env: {} });
    started.push(store);
    const images = await startServiceProcess({
      entry: 'services/images/main.ts',
      traced: true,
      env: {
        SERVICE_NAME: 'images',
        ARTIFICIAL_DELAY: '800',
        SHUTDOWN_DELAY_MS: '400',
        ZIPKIN_URL: `${store.baseUrl}/api/v2/spans`,
      },
    });
    started.push(images);

    const trace = newTraceHeaders();
    const inFlight = fetch(`${images.baseUrl}/images`, { headers: trace.headers });
    await sleep(200);
    images.child.kill('SIGTERM');
    await sleep(100);
    const readiness = await fetch(`${images.baseUrl}/readyz`);
    assert.equal(readiness.status, 503);
    assert.deepEqual(await readiness.json(), { status: 'draining' });

    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.ok(((await answer.json()) as { images: unknown[] }).images.length >= 40);
    assert.equal(await images.exited, 0);

    // The span of the request served during the drain was exported before the process exited.
    const spans = await waitForTrace(store.baseUrl, trace.traceId, (s) => s.length > 0, 3_000);
    assert.ok(spans.some((s) => s.name === 'get /images' && s.kind === 'SERVER'));
  });
});
