// The proxy's side of load-worker.ts: one worker thread, kept between loads (it takes a few hundred
// ms to start), asked one load at a time. A load that runs past its deadline or kills the worker
// (out of memory) is refused like any bad config, and the next load gets a fresh worker.
import { Worker } from 'node:worker_threads';
import type { LoadReply, LoadRequest } from './load-worker.ts';
import type { MeshTopology } from './topology.ts';

export type { LoadReply, LoadRequest } from './load-worker.ts';

export interface ConfigLoader {
  load(request: LoadRequest): Promise<LoadReply>;
  close(): Promise<void>;
}

const WORKER = new URL('./load-worker.ts', import.meta.url);

/** Far beyond what LIMITS allow to take on a busy machine: a guard against a hang, not a budget. */
export const LOAD_DEADLINE_MS = 60_000;

export function startConfigLoader(
  topology: MeshTopology,
  deadlineMs = LOAD_DEADLINE_MS,
): ConfigLoader {
  let worker: Worker | undefined;
  const spawn = (): Worker => {
    // Bounded apart from the proxy: an input that exhausts this heap kills the worker, not the mesh.
    const started = new Worker(WORKER, {
      workerData: { topology },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    started.unref(); // An idle loader never keeps the mesh running.
    return started;
  };
  const load = (request: LoadRequest): Promise<LoadReply> => {
    const current = (worker ??= spawn());
    return new Promise((resolve) => {
      const finish = (reply: LoadReply): void => {
        clearTimeout(timer);
        current.off('message', finish);
        current.off('error', failed);
        current.off('exit', exited);
        resolve(reply);
      };
      const abandon = (reason: string): void => {
        if (worker === current) worker = undefined;
        void current.terminate();
        finish(refused(reason));
      };
      const failed = (error: Error): void => {
        abandon(`loading failed: ${error.message}`);
      };
      const exited = (code: number): void => {
        abandon(`the loader stopped (exit code ${code})`);
      };
      const timer = setTimeout(() => {
        abandon(`loading took longer than ${deadlineMs / 1000} s`);
      }, deadlineMs);
      current.on('message', finish);
      current.on('error', failed);
      current.on('exit', exited);
      current.postMessage(request);
    });
  };
  return {
    load,
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}

const refused = (reason: string): LoadReply => ({
  ok: false,
  errors: [{ file: '.', reason }],
  warnings: [],
  sources: [],
});
