// What one target's measured slices add up to, and how that becomes a row of the report.
import type { PacedResult } from './paced.ts';
import type { TargetReport } from './report.ts';
import { summarize } from './stats.ts';
import type { Target } from './targets.ts';

export interface Tally {
  latenciesUs: number[];
  scheduled: number;
  failed: number;
  non2xx: number;
  firstError: string | undefined;
  cpuSeconds: number;
  v1: number;
  v3: number;
  generatorConnections: number;
  upstreamConnections: number;
  lagP50: number[];
  lagP99: number[];
}

export function emptyTally(): Tally {
  return {
    latenciesUs: [],
    scheduled: 0,
    failed: 0,
    non2xx: 0,
    firstError: undefined,
    cpuSeconds: 0,
    v1: 0,
    v3: 0,
    generatorConnections: 0,
    upstreamConnections: 0,
    lagP50: [],
    lagP99: [],
  };
}

export function addResult(tally: Tally, result: PacedResult): void {
  for (const latency of result.latenciesUs) tally.latenciesUs.push(latency);
  tally.scheduled += result.scheduled;
  tally.failed += result.errors + result.timedOut;
  tally.non2xx += result.non2xx;
  tally.firstError ??= result.firstError;
  tally.generatorConnections += result.connectionsOpened;
  tally.lagP50.push(result.sendLagUs.p50);
  tally.lagP99.push(result.sendLagUs.p99);
}

export function mergeTally(into: Tally, from: Tally): void {
  for (const latency of from.latenciesUs) into.latenciesUs.push(latency);
  into.scheduled += from.scheduled;
  into.failed += from.failed;
  into.non2xx += from.non2xx;
  into.firstError ??= from.firstError;
  into.cpuSeconds += from.cpuSeconds;
  into.v1 += from.v1;
  into.v3 += from.v3;
  into.generatorConnections += from.generatorConnections;
  into.upstreamConnections += from.upstreamConnections;
  into.lagP50.push(...from.lagP50);
  into.lagP99.push(...from.lagP99);
}

export function toReport(target: Target, tally: Tally): TargetReport {
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  if (target.handle === undefined) {
    return {
      name: target.name,
      unavailable: target.unavailable ?? 'no result',
      detail: target.detail,
      scheduled: 0,
      answered: 0,
      failed: 0,
      non2xx: 0,
      sendLagUs: { p50: 0, p99: 0 },
      newConnections: { generator: 0, upstream: 0 },
    };
  }
  const answered = tally.latenciesUs.length;
  return {
    name: target.name,
    latencyUs: answered > 0 ? summarize(tally.latenciesUs) : undefined,
    ...(answered === 0 ? { unavailable: 'no answers', detail: tally.firstError } : {}),
    scheduled: tally.scheduled,
    answered,
    failed: tally.failed,
    non2xx: tally.non2xx,
    firstError: tally.firstError,
    cpuUsPerRequest:
      target.v1Only || answered === 0 ? undefined : (tally.cpuSeconds * 1e6) / answered,
    v3Share: target.v1Only ? undefined : tally.v3 / Math.max(1, tally.v1 + tally.v3),
    sendLagUs: { p50: median(tally.lagP50), p99: Math.max(0, ...tally.lagP99) },
    newConnections: { generator: tally.generatorConnections, upstream: tally.upstreamConnections },
  };
}
