// How local mode restarts and probes its processes: a kubelet's rules (restartPolicy Always with
// its crash back-off, a liveness probe), on timings sized for processes that start in a second or
// two on a laptop rather than containers pulled onto a node.
import { z } from 'zod';

/** Kubelet: 10 s doubling to 5 min, reset once a container has run 10 min. */
export interface BackOffPolicy {
  /** The wait before the first restart. */
  initialMs: number;
  /** The longest wait between two restarts. */
  maxMs: number;
  /** A process that has run this long starts again from `initialMs` when it next dies. */
  resetAfterMs: number;
}

/** Kubelet's livenessProbe fields: periodSeconds, timeoutSeconds, failureThreshold. */
export interface LivenessPolicy {
  periodMs: number;
  timeoutMs: number;
  /** Consecutive failed probes before the process is killed (SIGKILL) and restarted. */
  failureThreshold: number;
  /**
   * Probe failures count only once the process has answered once or this long after its start,
   * as a startupProbe holds a liveness probe back: a slow start is not a hang.
   */
  startupMs?: number;
}

export interface SupervisionPolicy {
  backOff: BackOffPolicy;
  liveness: LivenessPolicy;
}

export const DEFAULT_STARTUP_MS = 60_000;

const ms = z.coerce.number().int().min(1);

/**
 * The defaults, and why. Back-off 0.5 s doubling to 30 s: a process that crashes at once is
 * retried at 0.5, 1, 2, 4 … 30 s, so a demo whose fault has been fixed is back within half a
 * minute, while a crash loop costs at most one start per 30 s. Reset after 60 s of running: twice
 * the cap, the kubelet's ratio (5 min cap, 10 min reset), long past any start-up crash. Liveness
 * every 2 s with the kubelet's 1 s timeout and 3 failures: a hung process is killed 5–7 s after it
 * stops answering, and a process has to miss three answers in a row, not one slow one.
 */
const settingsSchema = z.object({
  QUIZMESH_RESTART_BACKOFF_MS: ms.default(500),
  QUIZMESH_RESTART_BACKOFF_MAX_MS: ms.default(30_000),
  QUIZMESH_RESTART_RESET_AFTER_MS: ms.default(60_000),
  QUIZMESH_LIVENESS_PERIOD_MS: ms.default(2_000),
  QUIZMESH_LIVENESS_TIMEOUT_MS: ms.default(1_000),
  QUIZMESH_LIVENESS_FAILURES: ms.default(3),
});

export function supervisionPolicy(
  env: NodeJS.ProcessEnv,
  startupMs = DEFAULT_STARTUP_MS,
): SupervisionPolicy {
  const s = settingsSchema.parse(env);
  return {
    backOff: {
      initialMs: s.QUIZMESH_RESTART_BACKOFF_MS,
      maxMs: Math.max(s.QUIZMESH_RESTART_BACKOFF_MS, s.QUIZMESH_RESTART_BACKOFF_MAX_MS),
      resetAfterMs: s.QUIZMESH_RESTART_RESET_AFTER_MS,
    },
    liveness: {
      periodMs: s.QUIZMESH_LIVENESS_PERIOD_MS,
      timeoutMs: s.QUIZMESH_LIVENESS_TIMEOUT_MS,
      failureThreshold: s.QUIZMESH_LIVENESS_FAILURES,
      startupMs,
    },
  };
}

export const DEFAULT_SUPERVISION: SupervisionPolicy = supervisionPolicy({});

/** The wait after the one that was just used: doubled, never past the cap. */
export const nextBackOff = (policy: BackOffPolicy, currentMs: number): number =>
  Math.min(policy.maxMs, currentMs * 2);
