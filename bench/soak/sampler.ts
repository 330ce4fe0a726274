// Samples local mode every few seconds while the load runs: each process's RSS, its restarts, and
// the mesh's and trace store's figures. A sample that takes long delays the next rather than
// overlapping it, so a loaded machine samples less often, never twice at once.
import { setTimeout as sleep } from 'node:timers/promises';
import { readRuntimeState } from '../../local/runtime-state.ts';
import { readFigures, type ServiceFigures } from './figures.ts';
import { localProcesses } from './local-processes.ts';
import { residentMiB } from './resident-memory.ts';

export interface SoakSample extends ServiceFigures {
  /** Since sampling began. */
  atSeconds: number;
  /** By process name; a process that was down at the time has no entry. */
  rssMiB: Map<string, number>;
  restarts: Map<string, number>;
}

export interface Sampler {
  /** Takes one last sample, stops, and returns them all in time order. */
  stop(): Promise<SoakSample[]>;
}

export function startSampling(home: string, intervalMs: number): Sampler {
  const { meshStatsUrl, zipkinUrl } = readRuntimeState(home);
  const began = performance.now();
  const samples: SoakSample[] = [];
  const stopping = new AbortController();
  const sampleNow = async (): Promise<void> => {
    const atSeconds = (performance.now() - began) / 1000;
    const rssMiB = new Map<string, number>();
    const restarts = new Map<string, number>();
    for (const process of localProcesses(home)) {
      const rss = residentMiB(process.pid);
      if (rss !== undefined) rssMiB.set(process.name, rss);
      restarts.set(process.name, process.restarts);
    }
    samples.push({ atSeconds, rssMiB, restarts, ...(await readFigures(meshStatsUrl, zipkinUrl)) });
  };
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await sampleNow();
      // The next slot on the grid: a slow sample skips slots instead of bunching the next ones.
      const wait = intervalMs - ((performance.now() - began) % intervalMs);
      await sleep(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
      await sampleNow();
      return samples;
    },
  };
}
