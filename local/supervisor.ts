// Runs each workload as a child process, as a kubelet runs a pod's containers: a capped log file
// per workload, readiness from its ready path, liveness probes, restarts with back-off that never
// run out (local/supervised-process.ts), and a clean stop of them all.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LOG_MAX_BYTES, openCappedLog, type CappedLog } from './capped-log.ts';
import type { ProcessStatus } from './process-status.ts';
import { answers, superviseProcess, type ProcessEvents } from './supervised-process.ts';
import { DEFAULT_SUPERVISION, type SupervisionPolicy } from './supervision-policy.ts';
import type { Workload } from './topology.ts';

const STOP_GRACE_MS = 10_000;

export type SupervisorEvents = ProcessEvents;

export interface SupervisorOptions extends Partial<SupervisionPolicy> {
  /** Each workload's log is cut past this many bytes, one older copy kept (local/capped-log.ts). */
  logMaxBytes?: number;
}

export interface Supervisor {
  start(): void;
  /** Resolves once every workload not marked optional answers its ready path. */
  waitReady(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  pids(): Record<string, number | undefined>;
  /** Every workload's status, in the order given. */
  processes(): ProcessStatus[];
  /** Sends to workload `name` over its IPC channel (Node workloads), if it runs. */
  send(name: string, message: unknown): void;
}

export function createSupervisor(
  workloads: readonly Workload[],
  logDir: string,
  events: SupervisorEvents = {},
  options: SupervisorOptions = {},
): Supervisor {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const policy: SupervisionPolicy = {
    backOff: options.backOff ?? DEFAULT_SUPERVISION.backOff,
    liveness: options.liveness ?? DEFAULT_SUPERVISION.liveness,
  };
  const logs: CappedLog[] = [];
  const supervised = workloads.map((workload) => {
    const log = openCappedLog(
      join(logDir, `${workload.name}.log`),
      options.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES,
    );
    logs.push(log);
    return superviseProcess(workload, log, policy, events);
  });

  const isReady = (workload: Workload): Promise<boolean> =>
    answers(
      `http://${workload.env.HOST ?? '127.0.0.1'}:${String(workload.port)}${workload.readyPath ?? '/readyz'}`,
      1_000,
    );

  return {
    start() {
      for (const process of supervised) process.start();
    },
    async waitReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const pending = new Set(workloads.filter((w) => w.optional !== true));
      while (pending.size > 0) {
        if (Date.now() > deadline) {
          const names = [...pending].map((w) => w.name).join(', ');
          throw new Error(`not ready after ${String(timeoutMs)} ms: ${names} (see ${logDir})`);
        }
        for (const workload of pending) if (await isReady(workload)) pending.delete(workload);
        if (pending.size > 0) await sleep(100);
      }
    },
    async stop() {
      await Promise.all(supervised.map((process) => process.stop(STOP_GRACE_MS)));
      for (const log of logs) log.close();
    },
    pids() {
      return Object.fromEntries(supervised.map((p) => [p.status().name, p.status().pid]));
    },
    processes: () => supervised.map((process) => process.status()),
    send(name, message) {
      supervised.find((p) => p.status().name === name)?.send(message);
    },
  };
}
