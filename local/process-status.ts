// What local mode says about each process it supervises, in its runtime state and to the mesh's
// /status: the kubelet's container status (state, restart count, last termination) in one record.
import { z } from 'zod';

/**
 * `starting`: launched, not answering its health check yet. `running`: answering. `crash-looping`:
 * down and waiting out its back-off before the next start (the kubelet's CrashLoopBackOff).
 * `stopped`: local mode is stopping it, or has.
 */
export const PROCESS_STATES = ['starting', 'running', 'crash-looping', 'stopped'] as const;
export type ProcessState = (typeof PROCESS_STATES)[number];

export const lastExitSchema = z.object({
  at: z.string(),
  code: z.number().nullable(),
  signal: z.string().nullable(),
  /** `exited with code 1`, `killed by SIGKILL`, or what local mode killed it for. */
  reason: z.string(),
});
export type LastExit = z.infer<typeof lastExitSchema>;

export const processStatusSchema = z.object({
  name: z.string(),
  app: z.string(),
  state: z.enum(PROCESS_STATES),
  pid: z.number().optional(),
  /**
   * When `pid` started, as the OS tells it (local/process-identity.ts): a later run kills a process
   * it finds only if this still matches, so a pid the OS has handed to another process is spared.
   */
  pidStartTime: z.string().optional(),
  startedAt: z.string().optional(),
  restarts: z.number(),
  /** The wait before the next restart, should the process die now. */
  backOffMs: z.number(),
  /** While crash-looping: when the next start is due. */
  nextStartAt: z.string().optional(),
  lastExit: lastExitSchema.optional(),
});
export type ProcessStatus = z.infer<typeof processStatusSchema>;

/** Kubelet's words for a state, as `kubectl get pods` prints them. */
export function describeState(status: ProcessStatus, now = Date.now()): string {
  switch (status.state) {
    case 'running':
      return 'Running';
    case 'starting':
      return 'Starting';
    case 'stopped':
      return 'Stopped';
    case 'crash-looping': {
      const due = status.nextStartAt === undefined ? now : Date.parse(status.nextStartAt);
      const seconds = Math.max(0, (due - now) / 1_000);
      return `CrashLoopBackOff (next start in ${seconds.toFixed(1)} s)`;
    }
  }
}
