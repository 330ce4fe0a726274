// The real Zipkin server the cluster runs (openzipkin/zipkin:<tag> in k8s/base), from the release's
// executable jar that tests/cluster/tools/install.sh fetches, started with the container's env and
// JVM arguments (./zipkin-deployment.ts) on a free loopback port, and a reader of its own metrics.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../local/ports.ts';
import { shared } from './tools.ts';

export interface ZipkinServer {
  url: string;
  pid: number;
  /** What /info says, e.g. 3.4.4. */
  version: string;
  logFile: string;
  /** Resolves when the JVM exits, however it does: an exit during a test is a failure. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  metrics(): Promise<JvmFigures>;
  /** A full collection (`jcmd <pid> GC.run`), so that the heap in use is what is still live. */
  collectGarbage(): void;
  stop(): Promise<void>;
}

/** Figures of Zipkin's /prometheus (Micrometer's JVM metrics and Zipkin's collector's). */
export interface JvmFigures {
  heapUsedBytes: number;
  /** The sum of the heap pools' maxima: the JVM's heap limit (less one survivor space). */
  heapMaxBytes: number;
  /** The old generation (Tenured Gen, G1 Old Gen, …): where stored spans end up. */
  oldUsedBytes: number;
  oldMaxBytes: number;
  /** Seconds spent in collection pauses since start, and how many pauses. */
  gcPauseSeconds: number;
  gcPauses: number;
  /** Full (major) collections among them. */
  majorPauses: number;
  spansReceived: number;
  spansDropped: number;
}

/** Variables of this machine that would change the JVM the test means to run. */
const JVM_VARIABLES = ['JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'JAVA_OPTS'];

export async function startZipkinServer(options: {
  /** The container's env (STORAGE_TYPE, MEM_MAX_SPANS, …); JAVA_OPTS is passed as jvmArgs. */
  env: Record<string, string>;
  jvmArgs: string[];
  dir: string;
}): Promise<ZipkinServer> {
  const jar = shared('zipkin-server.jar');
  const port = await freePort('127.0.0.1');
  const logFile = join(options.dir, 'zipkin.log');
  const log = createWriteStream(logFile);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !JVM_VARIABLES.includes(name)),
  );
  const containerEnv = Object.fromEntries(
    Object.entries(options.env).filter(([name]) => name !== 'JAVA_OPTS'),
  );
  // Zipkin listens through Armeria, whose port list defaults to one entry on ${server.port}
  // (QUERY_PORT) on every address; `server.address` is not read. The entry's own `ip` binds it to
  // loopback only.
  const args = [
    ...options.jvmArgs,
    '-jar',
    jar,
    `--armeria.ports[0].ip=127.0.0.1`,
    `--armeria.ports[0].port=${port}`,
    '--armeria.ports[0].protocols[0]=http',
  ];
  const child = spawn('java', args, {
    env: { ...env, ...containerEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const state = { exited: false };
  const hasExited = (): boolean => state.exited;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      state.exited = true;
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!hasExited()) child.kill('SIGTERM');
    await exited;
    log.end();
  };
  const pid = child.pid;
  if (pid === undefined) throw new Error(`java did not start; see ${logFile}`);

  // Spring Boot plus Armeria: ~20 s on a busy 2-core machine, more while other builds run.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (hasExited()) throw new Error(`zipkin exited before it was ready; see ${logFile}`);
    try {
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (health.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`zipkin not ready at ${url} after 120 s; see ${logFile}`);
    }
    await sleep(500);
  }
  const info = (await (await fetch(`${url}/info`)).json()) as { zipkin?: { version?: string } };
  return {
    url,
    pid,
    version: info.zipkin?.version ?? 'unknown',
    logFile,
    exited,
    hasExited,
    metrics: async () => parseJvmFigures(await (await fetch(`${url}/prometheus`)).text()),
    collectGarbage() {
      const out = spawnSync('jcmd', [String(pid), 'GC.run'], { encoding: 'utf8', timeout: 60_000 });
      if (out.status !== 0)
        throw new Error(`jcmd ${pid} GC.run failed (${out.error?.message ?? out.stderr})`);
    },
    stop,
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (pair[1] !== undefined) labels[pair[1]] = pair[2] ?? '';
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const OLD_GENERATION = /Old Gen|Tenured Gen/;

export function parseJvmFigures(text: string): JvmFigures {
  const samples = parseSamples(text);
  const sum = (name: string, keep: (s: Sample) => boolean = () => true): number =>
    samples
      .filter((s) => s.name === name && keep(s) && s.value > 0)
      .reduce((total, s) => total + s.value, 0);
  const heap = (s: Sample) => s.labels.area === 'heap';
  const old = (s: Sample) => heap(s) && OLD_GENERATION.test(s.labels.id ?? '');
  const http = (s: Sample) => s.labels.transport === 'http';
  const major = (s: Sample) => /major/.test(s.labels.action ?? '');
  return {
    heapUsedBytes: sum('jvm_memory_used_bytes', heap),
    heapMaxBytes: sum('jvm_memory_max_bytes', heap),
    oldUsedBytes: sum('jvm_memory_used_bytes', old),
    oldMaxBytes: sum('jvm_memory_max_bytes', old),
    gcPauseSeconds: sum('jvm_gc_pause_seconds_sum'),
    gcPauses: sum('jvm_gc_pause_seconds_count'),
    majorPauses: sum('jvm_gc_pause_seconds_count', major),
    spansReceived: sum('zipkin_collector_spans_total', http),
    spansDropped: sum('zipkin_collector_spans_dropped_total', http),
  };
}
