// Zipkin with the cluster's settings, proven with the program the cluster runs: the real Zipkin
// server of the version k8s/base deploys, started with the zipkin container's env (STORAGE_TYPE,
// MEM_MAX_SPANS, JAVA_OPTS) and a JVM sized from its memory and CPU limits as in the pod
// (support/zipkin-deployment.ts), receives the spans of the real local mode under quiz v1 while
// `quizmesh load` plays at the cluster's load generator's rate (k8s/base/loadgen.yaml, 5 plays a
// second), relayed from local mode's trace store (support/span-relay.ts). It must not exit, its
// heap must stay within what the limit gives it, the span cap must evict, and the N+1 trace must be
// found through the queries the console and Grafana's Zipkin datasource make.
//
// ZIPKIN_SOAK_SECONDS (default 150, to keep the tier's run under 3 minutes) is how long the load
// plays; the 10 minutes is `ZIPKIN_SOAK_SECONDS=600`. Local mode's mesh reports one span
// per hop where a cluster's two sidecars report two, each with Istio's ~20 tags: the relay sends
// each mesh span as the two sidecar spans a cluster would (support/sidecar-spans.ts), so Zipkin
// holds spans of the cluster's shape at the cluster's rate. The heap the cap needs is also judged
// from the heap each stored span takes, projected to MEM_MAX_SPANS.
//
// The old settings (MEM_MAX_SPANS=200000, -Xms256m -Xmx256m, a 512Mi limit) fail it; see
// support/zipkin-deployment.ts for the variables that run them.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findNPlusOne } from '../../mesh-client/traces/n-plus-one.ts';
import { createTraceReader } from '../../mesh-client/traces/trace-reader.ts';
import { render, type Resource } from '../manifests/rendered.ts';
import { startLocalMode, type RunningLocalMode } from '../support/local-mode.ts';
import { meshConfigCopy } from '../support/mesh-config.ts';
import { asSidecarSpans } from './support/sidecar-spans.ts';
import { startSpanRelay, type SpanRelay } from './support/span-relay.ts';
import {
  expectedMaxHeapBytes,
  jvmArguments,
  memMaxSpans,
  zipkinDeployment,
  type ZipkinDeployment,
} from './support/zipkin-deployment.ts';
import { startZipkinServer, type JvmFigures, type ZipkinServer } from './support/zipkin-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOAK_SECONDS = Number(process.env.ZIPKIN_SOAK_SECONDS ?? 150);
const SAMPLE_MS = 5_000;
/** The old generation must keep this share free: a full collection that frees little is thrash. */
const OLD_GENERATION_HEADROOM = 0.15;
/** Collection pauses may take this share of the run; a heap near its limit takes most of it. */
const MAX_GC_SHARE = 0.1;
/** v1 asks descriptions about each of the catalog's 54 images; a failed round stops early. */
const N_PLUS_ONE_CALLS = 50;

interface Soak {
  deployment: ZipkinDeployment;
  plays: number;
  /** Before the first span: after a full collection. */
  baseline: JvmFigures;
  samples: (JvmFigures & { seconds: number; relayed: number })[];
  /** After the load and a full collection; undefined if Zipkin had exited. */
  final?: JvmFigures;
  /** Spans Zipkin held at the end, counted through its query API. */
  stored?: number;
  soakMs: number;
  /** `quizmesh load --json`'s summary. */
  loadSummary: string;
  /** Seconds taken to start everything, and to read the figures after the load. */
  startSeconds: number;
  finishSeconds: number;
  /** Seconds into the load when Zipkin exited, if it did. */
  exitedAtSeconds?: number;
}

let resources: Resource[];
let local: RunningLocalMode | undefined;
let zipkin: ZipkinServer | undefined;
let relay: SpanRelay | undefined;
let load: ChildProcess | undefined;
let soak: Soak;

/** `--rps` of the cluster's load generator (k8s/base/loadgen.yaml). */
function clusterPlaysPerSecond(rendered: readonly Resource[]): number {
  const loadgen = rendered.find((r) => r.kind === 'Deployment' && r.metadata.name === 'loadgen');
  const spec = loadgen?.spec as { template: { spec: { containers: { args?: string[] }[] } } };
  const args = spec.template.spec.containers.flatMap((c) => c.args ?? []);
  const rps = args.find((arg) => arg.startsWith('--rps='))?.slice('--rps='.length);
  if (rps === undefined) throw new Error('the loadgen Deployment has no --rps');
  return Number(rps);
}

/** `quizmesh load` against the site: the program the cluster's load generator runs. */
function startLoad(siteUrl: string, plays: number, seconds: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...['cli/quizmesh.ts', 'load', '--url', siteUrl, '--rps', String(plays)],
      ...['--duration', `${seconds}s`, '--players', '30', '--quiet', '--json'],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/**
 * The spans Zipkin holds, counted through GET /api/v2/traces a window at a time (one answer for
 * all of them would be ~70 MB of JSON built in the heap being measured). Windows share their
 * edges, so traces are counted once by id.
 */
async function countStoredSpans(url: string, fromMs: number, toMs: number): Promise<number> {
  const counted = new Map<string, number>();
  for (let end = fromMs + 10_000; end < toMs + 10_000; end += 10_000) {
    const params = new URLSearchParams({
      endTs: String(end),
      lookback: '10000',
      limit: '100000',
    });
    const response = await fetch(`${url}/api/v2/traces?${params.toString()}`);
    assert.equal(response.status, 200);
    for (const trace of (await response.json()) as { traceId: string }[][]) {
      const first = trace[0];
      if (first) counted.set(first.traceId, trace.length);
    }
  }
  return [...counted.values()].reduce((a, b) => a + b, 0);
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function logTail(server: ZipkinServer): string {
  const lines = readFileSync(server.logFile, 'utf8').trimEnd().split('\n');
  return lines.slice(-8).join('\n');
}

async function runSoak(): Promise<Soak> {
  const begun = Date.now();
  const deployment = zipkinDeployment(resources);
  const plays = clusterPlaysPerSecond(resources);
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-zipkin-'));
  [zipkin, local] = await Promise.all([
    startZipkinServer({ env: deployment.env, jvmArgs: jvmArguments(deployment), dir }),
    startLocalMode({
      QUIZMESH_MESH_CONFIG: meshConfigCopy({
        'virtual-service-quiz.yaml': 'virtual-service-quiz-all-v1.yaml',
      }),
    }),
  ]);
  const server = zipkin;
  server.collectGarbage();
  const baseline = await server.metrics();

  const started = Date.now();
  const startSeconds = (started - begun) / 1000;
  let exitedAtSeconds: number | undefined;
  void server.exited.then(() => (exitedAtSeconds = (Date.now() - started) / 1000));
  relay = startSpanRelay(local.state.zipkinUrl, server.url, { reshape: asSidecarSpans });
  load = startLoad(local.state.siteUrl, plays, SOAK_SECONDS);
  let loadSummary = '';
  load.stdout?.setEncoding('utf8').on('data', (chunk: string) => (loadSummary += chunk));
  const loadDone = once(load, 'exit');
  const samples: Soak['samples'] = [];
  const progress = { loadExited: false };
  void loadDone.then(() => (progress.loadExited = true));
  while (!progress.loadExited && !server.hasExited()) {
    await Promise.race([sleep(SAMPLE_MS), loadDone, server.exited]);
    if (server.hasExited()) break;
    const figures = await server.metrics().catch(() => undefined);
    if (figures) {
      const seconds = (Date.now() - started) / 1000;
      samples.push({ ...figures, seconds, relayed: relay.spans });
    }
  }
  if (server.hasExited()) load.kill('SIGINT');
  await loadDone;
  // The last rounds' spans reach the store within a second; then the relay's last poll.
  await sleep(2_000);
  const relayed = relay;
  await relayed.stop().catch((error: unknown) => {
    if (!server.hasExited()) throw error;
  });
  const soakMs = Date.now() - started;
  const soak = { deployment, plays, baseline, samples, soakMs, loadSummary, startSeconds };
  if (server.hasExited()) return { ...soak, finishSeconds: 0, exitedAtSeconds };
  server.collectGarbage();
  const final = await server.metrics();
  const stored = await countStoredSpans(server.url, started, Date.now());
  return { ...soak, final, stored, finishSeconds: (Date.now() - started - soakMs) / 1000 };
}

before(async () => {
  resources = render('k8s');
  soak = await runSoak();
});

after(async () => {
  if (load && load.exitCode === null && load.signalCode === null) {
    load.kill('SIGINT');
    await once(load, 'exit');
  }
  await relay?.stop().catch(() => undefined);
  await Promise.all([zipkin?.stop(), local?.stop()]);
});

describe('Zipkin with the cluster settings, under quiz v1 at the cluster load', () => {
  it('is the version the cluster runs, started with the manifest settings', (t) => {
    const server = zipkin as ZipkinServer;
    const tag = soak.deployment.image.replace(/^.*:/, '');
    assert.ok(
      server.version === tag || server.version.startsWith(`${tag}.`),
      `Zipkin ${server.version}, the cluster runs ${soak.deployment.image}`,
    );
    assert.equal(soak.deployment.env.STORAGE_TYPE, 'mem');
    t.diagnostic(
      `zipkin ${server.version}; ${jvmArguments(soak.deployment).join(' ')}; ` +
        `MEM_MAX_SPANS=${memMaxSpans(soak.deployment)}` +
        (soak.deployment.overridden.length > 0
          ? `; overridden: ${soak.deployment.overridden.join(', ')}`
          : ''),
    );
  });

  it('gets the heap its limit and JAVA_OPTS give it, as the JVM in the pod does', () => {
    const expected = expectedMaxHeapBytes(soak.deployment);
    const { heapMaxBytes } = soak.baseline;
    // The pools' maxima add up to the heap less one survivor space (a few % of it).
    assert.ok(
      heapMaxBytes <= expected && heapMaxBytes > expected * 0.9,
      `heap max ${mib(heapMaxBytes)}, the settings give ${mib(expected)}`,
    );
  });

  it('never exits while it receives the spans, and drops none', (t) => {
    const server = zipkin as ZipkinServer;
    const relayed = relay as SpanRelay;
    const summary = JSON.parse(soak.loadSummary || '{}') as {
      plays?: { started?: number; failed?: number };
    };
    t.diagnostic(
      `${soak.plays} plays/s for ${SOAK_SECONDS} s (${summary.plays?.started ?? '?'} plays, ` +
        `${summary.plays?.failed ?? '?'} failed): ${relayed.spans} spans in ${relayed.traces} ` +
        `traces (${(relayed.spans / (soak.soakMs / 1000)).toFixed(0)} spans/s); started in ` +
        `${soak.startSeconds.toFixed(0)} s, figures read in ${soak.finishSeconds.toFixed(0)} s`,
    );
    t.diagnostic(
      'heap over time (s: used / max, old generation used, GC pause share, spans sent): ' +
        soak.samples
          .filter((_, i) => i % 3 === 2 || i === soak.samples.length - 1)
          .map(
            (s) =>
              `${s.seconds.toFixed(0)}: ${mib(s.heapUsedBytes)}/${mib(s.heapMaxBytes)}, ` +
              `old ${mib(s.oldUsedBytes)}, ` +
              `${((100 * (s.gcPauseSeconds - soak.baseline.gcPauseSeconds)) / s.seconds).toFixed(1)}%, ${s.relayed}`,
          )
          .join('; '),
    );
    assert.equal(
      server.hasExited(),
      false,
      `Zipkin exited ${soak.exitedAtSeconds?.toFixed(0) ?? '?'} s into the load, after ` +
        `${soak.samples.at(-1)?.relayed ?? '?'} spans:\n${logTail(server)}`,
    );
    assert.ok(relayed.spans > 0, 'no span was relayed');
    const final = soak.final as JvmFigures;
    assert.equal(final.spansReceived, relayed.spans, 'Zipkin counted other spans than were sent');
    assert.equal(final.spansDropped, 0);
  });

  it('spends under a tenth of the run collecting garbage', () => {
    const last = soak.final ?? soak.samples.at(-1);
    assert.ok(last, 'no figures were read');
    const share = (last.gcPauseSeconds - soak.baseline.gcPauseSeconds) / (soak.soakMs / 1000);
    assert.ok(
      share < MAX_GC_SHARE,
      `${(100 * share).toFixed(1)}% of the run in GC pauses (${last.gcPauses - soak.baseline.gcPauses} pauses, ${last.majorPauses} full)`,
    );
  });

  it('keeps the live heap within the old generation, with room to spare', (t) => {
    assert.ok(soak.final, 'Zipkin had exited: no live heap to read');
    const { heapUsedBytes, oldMaxBytes } = soak.final;
    t.diagnostic(
      `live after a full collection: ${mib(soak.baseline.heapUsedBytes)} before, ` +
        `${mib(heapUsedBytes)} holding ${soak.stored ?? 0} spans; old generation ${mib(oldMaxBytes)}`,
    );
    // Stored spans outlive every young collection and end up in the old generation; the Serial
    // collector fails (OutOfMemoryError) once what is live no longer fits there.
    assert.ok(
      heapUsedBytes <= oldMaxBytes * (1 - OLD_GENERATION_HEADROOM),
      `${mib(heapUsedBytes)} live, old generation ${mib(oldMaxBytes)}`,
    );
  });

  it('would still have room at MEM_MAX_SPANS: baseline plus heap per stored span times the cap', (t) => {
    assert.ok(soak.final && soak.stored, 'Zipkin had exited: no live heap to read');
    const cap = memMaxSpans(soak.deployment);
    const perSpan = (soak.final.heapUsedBytes - soak.baseline.heapUsedBytes) / soak.stored;
    const projected = soak.baseline.heapUsedBytes + perSpan * cap;
    const room = soak.final.oldMaxBytes * (1 - OLD_GENERATION_HEADROOM);
    t.diagnostic(
      `${perSpan.toFixed(0)} bytes per stored span; at ${cap} spans ${mib(projected)} live, ` +
        `room for ${mib(room)} (old generation ${mib(soak.final.oldMaxBytes)} less ${100 * OLD_GENERATION_HEADROOM}%)`,
    );
    assert.ok(projected <= room, `${mib(projected)} at the cap, room for ${mib(room)}`);
  });

  it('evicts the oldest traces at MEM_MAX_SPANS', async () => {
    const server = zipkin as ZipkinServer;
    const relayed = relay as SpanRelay;
    const cap = memMaxSpans(soak.deployment);
    assert.ok(soak.stored !== undefined, 'Zipkin had exited');
    assert.ok(
      relayed.spans > cap,
      `only ${relayed.spans} spans were sent, fewer than MEM_MAX_SPANS=${cap}: the run was too ` +
        `short to fill the cap at ${(relayed.spans / (soak.soakMs / 1000)).toFixed(0)} spans/s`,
    );
    assert.ok(soak.stored <= cap, `Zipkin holds ${soak.stored} spans, over ${cap}`);
    const largest = Math.max(...relayed.sent.values());
    assert.ok(soak.stored >= cap - 2 * largest, `Zipkin holds only ${soak.stored} of ${cap}`);
    const [oldest] = relayed.sent.keys();
    const newest = [...relayed.sent.keys()].at(-1);
    assert.equal((await fetch(`${server.url}/api/v2/trace/${oldest ?? ''}`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/v2/trace/${newest ?? ''}`)).status, 200);
  });

  it('shows a v1 round that called descriptions 50 times, through the console queries', async (t) => {
    const server = zipkin as ZipkinServer;
    const reader = createTraceReader(server.url);
    // The console's trace list with "errors only" (serviceName, annotationQuery=error, limit,
    // lookback), at the most it asks for.
    const failed = await reader.list({ limit: 100, service: 'quiz', errorsOnly: true });
    assert.ok(failed.length > 0, 'no failed quiz trace listed');
    const loop = failed.find((summary) =>
      summary.nPlusOne.some(
        (f) =>
          f.caller === 'quiz' &&
          f.callerVersion === 'v1' &&
          f.downstream === 'descriptions' &&
          f.callCount >= N_PLUS_ONE_CALLS,
      ),
    );
    assert.ok(loop, `none of ${failed.length} failed quiz traces calls descriptions 50 times`);
    const spans = await reader.trace(loop.traceId);
    assert.ok(spans, `trace ${loop.traceId} not found by id`);
    const [finding] = findNPlusOne(spans);
    assert.ok(finding && finding.callCount >= N_PLUS_ONE_CALLS);
    t.diagnostic(
      `trace ${loop.traceId}: ${spans.length} spans, quiz v1 → descriptions ×${finding.callCount}`,
    );
  });

  it('shows that round through the Grafana Zipkin datasource queries too', async () => {
    const server = zipkin as ZipkinServer;
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${server.url}/api/v2/${path}`);
      assert.equal(response.status, 200, path);
      return (await response.json()) as T;
    };
    // Its cascader: services, then a service's span names, then that span name's traces.
    assert.ok((await get<string[]>('services')).includes('quiz'));
    const names = await get<string[]>('spans?serviceName=quiz');
    const roundName = names.find((name) => name.endsWith(' /rounds'));
    assert.ok(roundName, `no quiz span name for rounds in ${names.join(', ')}`);
    const traces = await get<{ traceId: string; name?: string }[][]>(
      `traces?${new URLSearchParams({ serviceName: 'quiz', spanName: roundName }).toString()}`,
    );
    assert.ok(traces.length > 0);
    const first = traces[0]?.[0];
    assert.ok(first);
    const trace = await get<unknown[]>(`trace/${encodeURIComponent(first.traceId)}`);
    assert.equal(trace.length, traces[0]?.length);
  });
});
