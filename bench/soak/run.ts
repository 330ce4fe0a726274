// One soak: local mode started in a temporary home with quiz routed to the chosen version and the
// trace store sized for the run, the load generator playing at the rate while the sampler watches
// every process, and local mode stopped again whatever happened.
import { runLoad } from '../../cli/load/generator.ts';
import { createProgressReporter } from '../../cli/load/progress.ts';
import type { LoadSummary } from '../../cli/load/stats.ts';
import { startLocalMode, type RunningLocalMode } from '../../tests/support/local-mode.ts';
import { meshConfigCopy, quizRouteTo } from '../../tests/support/mesh-config.ts';
import { tapFailures } from './failure-tap.ts';
import type { SoakOptions } from './options.ts';
import type { SoakPlan } from './plan.ts';
import { startSampling, type SoakSample } from './sampler.ts';

export interface SoakRun {
  home: string;
  meshConfigDir: string;
  samples: SoakSample[];
  summary: LoadSummary;
  /** Injected failures the tap saw, by `<endpoint> <status>`. */
  injected: Map<string, number>;
}

/** The load generator's own defaults for a crowd: 30 names (a fifth outside Latin-1), 64 in flight. */
const PLAYERS = 30;
const CONCURRENCY = 64;

export async function runSoak(
  options: SoakOptions,
  plan: SoakPlan,
  signal: AbortSignal,
): Promise<SoakRun> {
  const meshConfigDir = meshConfigCopy({
    'virtual-service-quiz.yaml': quizRouteTo(options.version),
  });
  const local = await startLocalMode({
    QUIZMESH_MESH_CONFIG: meshConfigDir,
    // Off: its TSDB head grows by design for two hours before it compacts, which no growth rule
    // could tell from a leak; the mesh's own counters give the figures.
    QUIZMESH_PROMETHEUS: 'off',
    MAX_TRACES: String(plan.traceStoreTraces),
  });
  try {
    return {
      home: local.home,
      meshConfigDir,
      ...(await playAndSample(local, options, plan, signal)),
    };
  } finally {
    await local.stop();
  }
}

async function playAndSample(
  local: RunningLocalMode,
  options: SoakOptions,
  plan: SoakPlan,
  signal: AbortSignal,
): Promise<Pick<SoakRun, 'samples' | 'summary' | 'injected'>> {
  const tap = tapFailures(local.state.siteUrl, options.version);
  const sampler = startSampling(local.home, plan.sampleIntervalMs);
  const progress = createProgressReporter(process.stderr);
  let summary: LoadSummary;
  let samples: SoakSample[];
  try {
    summary = await runLoad(
      {
        url: local.state.siteUrl,
        rps: options.rate,
        durationSeconds: plan.durationSeconds,
        players: PLAYERS,
        concurrency: CONCURRENCY,
        seed: 1,
      },
      { signal, onProgress: progress.update, progressIntervalMs: progress.intervalMs },
    );
    progress.finish();
  } finally {
    samples = await sampler.stop();
    tap.close();
  }
  return { samples, summary, injected: tap.injected() };
}
