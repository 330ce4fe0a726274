// The graph's and the RED table's figures in local mode: from the mesh's own stats endpoint,
// scraped while someone looks (live-figures.ts), each rate taken between two scrapes; quiz's rows
// get its rounds per group of players from its instances' /metrics, scraped the same way.
import { workloadFiguresWithMedian } from '../../mesh-client/prometheus/workload-figures.ts';
import { serviceGraphFromScrapes } from '../../mesh-client/graph/scrape-rates.ts';
import { rateHistory, workloadKey, type LiveFigures } from './live-figures.ts';
import { playerGroups, type PlayerGroupFigures } from './player-groups.ts';
import { roundRatesFromScrapes } from './quiz-round-scrapes.ts';
import type { MeshFigures } from './sources.ts';

export function statsFigures(live: LiveFigures, quizRounds?: LiveFigures): MeshFigures {
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
      const groups = await roundGroups(quizRounds);
      return {
        windowSeconds: seconds,
        warnings: [...staleness(live), ...groups.warnings],
        historySeconds:
          history.length > 1 ? ((history.at(-1)?.at ?? 0) - (history[0]?.at ?? 0)) / 1000 : 0,
        workloads: workloadFiguresWithMedian(before.samples, after.samples, seconds).map((w) => {
          const playerGroups = w.service === 'quiz' ? groups.byVersion.get(w.version) : undefined;
          return {
            ...w,
            history: series.get(workloadKey(w)) ?? [],
            ...(playerGroups ? { playerGroups } : {}),
          };
        }),
      };
    },
  };
}

/** quiz's groups per version; a quiz that cannot be read costs the table lines, not rows. */
async function roundGroups(
  quizRounds: LiveFigures | undefined,
): Promise<{ byVersion: Map<string, PlayerGroupFigures[]>; warnings: string[] }> {
  if (quizRounds === undefined) return { byVersion: new Map(), warnings: [] };
  try {
    const { before, after, seconds } = await quizRounds.window();
    const { rates, p99s } = roundRatesFromScrapes(before.samples, after.samples, seconds);
    return { byVersion: playerGroups(rates, p99s), warnings: staleness(quizRounds, 'quiz') };
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    return { byVersion: new Map(), warnings: [`quiz's rounds per player group: ${reason}`] };
  }
}

/** Figures kept from before the mesh (or quiz) stopped answering are said to be so. */
function staleness(live: LiveFigures, what = 'the mesh'): string[] {
  const error = live.lastError();
  return error === undefined ? [] : [`the latest scrape of ${what} failed (${error}): not live`];
}
