// The soak's timings, from its options: how often to sample, when warm-up ends, and how small to
// make the trace store so that it is full before warm-up ends.
import type { SoakOptions } from './options.ts';

export interface SoakPlan {
  durationSeconds: number;
  sampleIntervalMs: number;
  warmUpSeconds: number;
  /** MAX_TRACES for the trace store. */
  traceStoreTraces: number;
}

/** At least ~36 samples, so each third has a dozen for its median; never more than one a second. */
const MIN_SAMPLES = 36;
const MAX_INTERVAL_MS = 5_000;

/** Each play is a round and an answer, each its own trace. */
const TRACES_PER_PLAY = 2;
/** The trace store's own default (tracestore/main.ts): a soak never asks for a bigger store. */
const DEFAULT_MAX_TRACES = 20_000;

export function planSoak(options: Pick<SoakOptions, 'minutes' | 'rate'>): SoakPlan {
  const durationSeconds = options.minutes * 60;
  const sampleIntervalMs = Math.min(
    MAX_INTERVAL_MS,
    Math.max(1_000, Math.floor((durationSeconds * 1000) / MIN_SAMPLES)),
  );
  const warmUpSeconds = durationSeconds / 3;
  // A store still filling grows by design (MAX_TRACES 20k takes ~17 min at 10 plays/s), which the
  // growth rule would read as a leak: a store full by half-way through warm-up is at steady state.
  const traceStoreTraces = Math.min(
    DEFAULT_MAX_TRACES,
    Math.max(100, Math.floor((options.rate * TRACES_PER_PLAY * warmUpSeconds) / 2)),
  );
  return { durationSeconds, sampleIntervalMs, warmUpSeconds, traceStoreTraces };
}
