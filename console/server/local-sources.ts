// What the console reads in local mode: figures from the mesh's stats endpoint and quiz's rounds
// from its instances' /metrics (both scraped while someone looks), traces from the trace store,
// routes from the mesh admin and mesh-config/. Local mode's own console process and
// `quizmesh console` without --cluster both start from here.
import { resolve } from 'node:path';
import { scrapeStats } from '../../mesh-client/local-mesh.ts';
import { localProcesses } from '../../mesh-client/local-processes.ts';
import { createLiveFigures } from './live-figures.ts';
import { localRouting, type ConsoleSources } from './sources.ts';
import { scrapeQuizRounds } from './quiz-round-scrapes.ts';
import { statsFigures } from './stats-figures.ts';
import { createTraceReader } from '../../mesh-client/traces/trace-reader.ts';

export interface LocalModeUrls {
  statsUrl: string;
  adminUrl: string;
  zipkinUrl: string;
  /** The mesh-config folder route changes rewrite. */
  configDir: string;
  /** QUIZMESH_HOME: rollouts. */
  home: string;
}

export function localModeSources(urls: LocalModeUrls): ConsoleSources {
  const home = resolve(urls.home);
  return {
    figures: statsFigures(
      createLiveFigures({ scrape: () => scrapeStats(urls.statsUrl) }),
      createLiveFigures({ scrape: () => scrapeQuizRounds(home) }),
    ),
    traces: createTraceReader(urls.zipkinUrl),
    routing: localRouting(urls.adminUrl, resolve(urls.configDir), home),
    home,
    processes: () => localProcesses(home),
  };
}
