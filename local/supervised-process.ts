// One workload under supervision, as a kubelet runs a container with restartPolicy Always: start
// it, probe its liveness, and when it dies (or is killed for failing the probe) start it again
// after a back-off that doubles up to a cap and resets once it has run a while. It never gives up.
import { spawn, type ChildProcess } from 'node:child_process';
import type { CappedLog } from './capped-log.ts';
import { launchCommand, LOCAL_ROOT } from './launch-command.ts';
import { processStartTime } from './process-identity.ts';
import type { LastExit, ProcessStatus } from './process-status.ts';
import { DEFAULT_STARTUP_MS, nextBackOff, type SupervisionPolicy } from './supervision-policy.ts';
import type { Workload } from './topology.ts';

export const LIVENESS_FAILED = 'liveness probe failed';
export const STARTUP_FAILED = 'startup probe failed';
const STARTUP_PERIOD_MS = 200;

export interface ProcessEvents {
  /** It exited while local mode was not stopping it; it starts again after `restartInMs`. */
  onExit?(workload: Workload, exit: LastExit, restartInMs: number): void;
  /** Anything in its status changed. */
  onChange?(): void;
}

export interface SupervisedProcess {
  start(): void;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. No restart follows. */
  stop(graceMs: number): Promise<void>;
  status(): ProcessStatus;
  /** Sends over the IPC channel of the process running now, if it has one. */
  send(message: unknown): void;
}

const workloadUrl = (workload: Workload, path: string): string =>
  `http://${workload.env.HOST ?? '127.0.0.1'}:${String(workload.port)}${path}`;

export async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

const describeExit = (code: number | null, signal: string | null): string =>
  signal === null ? `exited with code ${String(code)}` : `killed by ${signal}`;

export function superviseProcess(
  workload: Workload,
  log: CappedLog,
  policy: SupervisionPolicy,
  events: ProcessEvents = {},
): SupervisedProcess {
  const status: ProcessStatus = {
    name: workload.name,
    app: workload.app,
    state: 'stopped',
    restarts: 0,
    backOffMs: policy.backOff.initialMs,
  };
  let child: ChildProcess | undefined;
  let stopping = false;
  /** Why local mode killed the current process, if it did. */
  let killedFor: string | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const changed = (): void => events.onChange?.();

  /** `sinceLast`: how long the probe just finished took; periods run from start to start. */
  const probe = (running: ChildProcess, failures: number, sinceLast = 0): void => {
    // Until its first answer, asked often (a startupProbe's short period), so that a process is
    // reported running as soon as it is, not a liveness period later.
    const period =
      status.state === 'starting'
        ? Math.min(STARTUP_PERIOD_MS, policy.liveness.periodMs)
        : policy.liveness.periodMs;
    later(Math.max(0, period - sinceLast), () => {
      const asked = Date.now();
      void answers(
        workloadUrl(workload, workload.healthPath ?? '/healthz'),
        policy.liveness.timeoutMs,
      ).then((ok) => {
        if (child !== running || stopping) return;
        if (ok) {
          if (status.state === 'starting') becameRunning();
          probe(running, 0, Date.now() - asked);
          return;
        }
        const startup = policy.liveness.startupMs ?? DEFAULT_STARTUP_MS;
        const started = Date.parse(status.startedAt ?? '');
        const counts = status.state === 'running' || Date.now() - started > startup;
        const failed = counts ? failures + 1 : 0;
        if (failed < policy.liveness.failureThreshold) {
          probe(running, failed, Date.now() - asked);
          return;
        }
        killedFor = status.state === 'running' ? LIVENESS_FAILED : STARTUP_FAILED;
        // SIGKILL, as the kubelet does once a probe has failed: a hung process handles nothing.
        running.kill('SIGKILL');
      });
    });
  };

  const becameRunning = (): void => {
    status.state = 'running';
    changed();
    const running = child;
    later(policy.backOff.resetAfterMs, () => {
      if (child !== running || status.backOffMs === policy.backOff.initialMs) return;
      status.backOffMs = policy.backOff.initialMs;
      changed();
    });
  };

  const exited = (code: number | null, signal: string | null): void => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    child = undefined;
    status.lastExit = {
      at: new Date().toISOString(),
      code,
      signal,
      reason: killedFor ?? describeExit(code, signal),
    };
    killedFor = undefined;
    delete status.pid;
    delete status.pidStartTime;
    if (stopping) {
      status.state = 'stopped';
      changed();
      return;
    }
    const wait = status.backOffMs;
    status.state = 'crash-looping';
    status.nextStartAt = new Date(Date.now() + wait).toISOString();
    status.backOffMs = nextBackOff(policy.backOff, wait);
    events.onExit?.(workload, status.lastExit, wait);
    changed();
    later(wait, () => {
      status.restarts += 1;
      launch();
    });
  };

  const launch = (): void => {
    const command = launchCommand(workload);
    const started = spawn(command.file, command.args, {
      cwd: LOCAL_ROOT,
      env: { ...process.env, ...workload.env },
      stdio: ['ignore', 'pipe', 'pipe', ...(command.ipc ? (['ipc'] as const) : [])],
    });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
    });
    let ended = false;
    const end = (code: number | null, signal: string | null): void => {
      if (ended) return;
      ended = true;
      exited(code, signal);
    };
    started.on('exit', end);
    // A program that cannot be started (ENOENT) may never emit 'exit': it crash-loops all the same.
    started.on('error', (err) => {
      log.write(`supervisor: ${workload.name}: ${err.message}\n`);
      if (started.pid === undefined) end(null, null);
    });
    status.state = 'starting';
    status.pid = started.pid;
    status.pidStartTime = started.pid === undefined ? undefined : processStartTime(started.pid);
    status.startedAt = new Date().toISOString();
    delete status.nextStartAt;
    changed();
    probe(started, 0);
  };

  return {
    start() {
      stopping = false;
      launch();
    },
    async stop(graceMs) {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) {
        status.state = 'stopped';
        delete status.nextStartAt;
        changed();
        return;
      }
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => running.kill('SIGKILL'), graceMs);
        running.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        running.kill('SIGTERM');
      });
    },
    status: () => ({ ...status }),
    send(message) {
      if (child?.connected === true) child.send(message as object, () => undefined);
    },
  };
}
