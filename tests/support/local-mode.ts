// Starts the real local mode (`node local/start.ts`) on free loopback ports in a temporary home,
// for integration tests, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  readRuntimeState,
  runtimeStatePath,
  type RuntimeState,
} from '../../local/runtime-state.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningLocalMode {
  state: RuntimeState;
  home: string;
  child: ChildProcess;
  output: () => string;
  url(workload: string): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

export async function startLocalMode(env: Record<string, string> = {}): Promise<RunningLocalMode> {
  // A home given in `env` is reused (a start after a killed run); otherwise a fresh one.
  const home = env.QUIZMESH_HOME ?? mkdtempSync(join(tmpdir(), 'quizmesh-it-'));
  let output = '';
  const child = spawn(process.execPath, ['local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      QUIZMESH_PORT: '0',
      ZIPKIN_PORT: '0',
      MESH_STATS_PORT: '0',
      MESH_ADMIN_PORT: '0',
      CONSOLE_PORT: '0',
      QUIZMESH_PROMETHEUS: 'off',
      ...env,
      QUIZMESH_HOME: home,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const deadline = Date.now() + 60_000;
  // A killed run leaves its state behind: wait for this run's own, once everything is ready (it is
  // written from the first start on, so that a later run can clear what this one started).
  const ours = (): boolean => {
    try {
      if (!existsSync(runtimeStatePath(home))) return false;
      const state = readRuntimeState(home);
      return state.pid === child.pid && state.phase !== 'starting';
    } catch {
      return false; // being rewritten
    }
  };
  while (!ours()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local mode did not start:\n${output}`);
    }
    await sleep(100);
  }
  const state = readRuntimeState(home);
  return {
    state,
    home,
    child,
    output: () => output,
    url(name) {
      const workload = state.workloads.find((w) => w.name === name);
      if (!workload) throw new Error(`no workload ${name}`);
      return workload.url;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: string;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  remoteEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** Waits until the trace store holds a trace that `done` accepts (spans arrive in batches). */
export async function waitForTrace(
  zipkinUrl: string,
  traceId: string,
  done: (spans: ZipkinSpan[]) => boolean,
  timeoutMs = 10_000,
): Promise<ZipkinSpan[]> {
  const deadline = Date.now() + timeoutMs;
  let spans: ZipkinSpan[] = [];
  while (Date.now() < deadline) {
    const response = await fetch(`${zipkinUrl}/api/v2/trace/${traceId}`);
    if (response.ok) {
      spans = (await response.json()) as ZipkinSpan[];
      if (done(spans)) return spans;
    }
    await sleep(200);
  }
  const summary = spans
    .map((s) => `${serviceOf(s)} ${s.kind ?? ''} ${s.name ?? ''} ${JSON.stringify(s.tags ?? {})}`)
    .join('\n  ');
  throw new Error(
    `trace ${traceId} incomplete after ${timeoutMs} ms: ${spans.length} spans\n  ${summary}`,
  );
}

/** B3 headers starting a sampled trace with a known id, as Istio's ingress would send. */
export function newTraceHeaders(): { traceId: string; headers: Record<string, string> } {
  const hex = (bytes: number): string =>
    Array.from({ length: bytes }, () =>
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    ).join('');
  const traceId = hex(16);
  return {
    traceId,
    headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': hex(8), 'x-b3-sampled': '1' },
  };
}

export const serviceOf = (span: ZipkinSpan): string => span.localEndpoint?.serviceName ?? '';
