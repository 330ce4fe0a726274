// The graph's and the RED table's figures in local mode: from the mesh's own stats endpoint,
// scraped while someone looks (live-figures.ts), each rate taken between two scrapes.
import { workloadFiguresWithMedian } from '../../mesh-client/prometheus/workload-figures.ts';
import { serviceGraphFromScrapes } from '../../mesh-client/graph/scrape-rates.ts';
import { rateHistory, workloadKey, type LiveFigures } from './live-figures.ts';
import type { MeshFigures } from './sources.ts';

export function statsFigures(live: LiveFigures): MeshFigures {
  return {
    what: 'the mesh stats',
    async graph() {
      const { before, after, seconds } = await live.window();
      return {
        graph: serviceGraphFromScrapes(before.samples, after.samples, seconds),
        windowSeconds: seconds,
        warnings: staleness(live),
      };
    },
    async red() {
      const { before, after, seconds } = await live.window();
      const history = await live.history();
      const series = rateHistory(history);
      return {
        windowSeconds: seconds,
        warnings: staleness(live),
        historySeconds:
          history.length > 1 ? ((history.at(-1)?.at ?? 0) - (history[0]?.at ?? 0)) / 1000 : 0,
        workloads: workloadFiguresWithMedian(before.samples, after.samples, seconds).map((w) => ({
          ...w,
          history: series.get(workloadKey(w)) ?? [],
        })),
      };
    },
  };
}

/** Figures kept from before the mesh stopped answering are said to be so. */
function staleness(live: LiveFigures): string[] {
  const error = live.lastError();
  return error === undefined ? [] : [`the latest scrape of the mesh failed (${error}): not live`];
}
