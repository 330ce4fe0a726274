// Runs each workload as a child process, like a kubelet would: logs to a file per workload,
// readiness from /readyz, restart with back-off when one dies, and a clean stop of them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Workload } from './topology.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PRELOAD = join(ROOT, 'services/kit/instrumentation.ts');
const STOP_GRACE_MS = 10_000;
const MAX_RESTARTS = 5;

export interface SupervisorEvents {
  onExit?(
    workload: Workload,
    code: number | null,
    signal: string | null,
    restarting: boolean,
  ): void;
}

export interface Supervisor {
  start(): void;
  waitReady(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  pids(): Record<string, number | undefined>;
}

export function createSupervisor(
  workloads: readonly Workload[],
  logDir: string,
  events: SupervisorEvents = {},
): Supervisor {
  mkdirSync(logDir, { recursive: true });
  const children = new Map<string, ChildProcess>();
  const logs = new Map<string, WriteStream>();
  let stopping = false;

  const launch = (workload: Workload, restarts: number): void => {
    let log = logs.get(workload.name);
    if (!log) {
      log = createWriteStream(join(logDir, `${workload.name}.log`), { flags: 'a' });
      logs.set(workload.name, log);
    }
    const args = [...(workload.traced ? ['--import', PRELOAD] : []), join(ROOT, workload.entry)];
    // The IPC channel is the child's lifeline: if this process dies, even by SIGKILL, the channel
    // closes and the child drains and exits (services/kit/service.ts), leaving nothing behind.
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...workload.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    children.set(workload.name, child);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.on('exit', (code, signal) => {
      children.delete(workload.name);
      const restarting = !stopping && restarts < MAX_RESTARTS;
      if (!stopping) events.onExit?.(workload, code, signal, restarting);
      if (restarting) {
        setTimeout(
          () => {
            if (!stopping) launch(workload, restarts + 1);
          },
          250 * 2 ** restarts,
        ).unref();
      }
    });
  };

  const isReady = async (workload: Workload): Promise<boolean> => {
    try {
      const host = workload.env.HOST ?? '127.0.0.1';
      const response = await fetch(`http://${host}:${workload.port}/readyz`, {
        signal: AbortSignal.timeout(1_000),
      });
      return response.ok;
    } catch {
      return false;
    }
  };

  return {
    start() {
      for (const workload of workloads) launch(workload, 0);
    },
    async waitReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const pending = new Set(workloads);
      while (pending.size > 0) {
        if (Date.now() > deadline) {
          const names = [...pending].map((w) => w.name).join(', ');
          throw new Error(`not ready after ${timeoutMs} ms: ${names} (see ${logDir})`);
        }
        for (const workload of pending) if (await isReady(workload)) pending.delete(workload);
        if (pending.size > 0) await sleep(100);
      }
    },
    async stop() {
      stopping = true;
      const exits = [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
      for (const log of logs.values()) log.end();
    },
    pids() {
      return Object.fromEntries(workloads.map((w) => [w.name, children.get(w.name)?.pid]));
    },
  };
}
