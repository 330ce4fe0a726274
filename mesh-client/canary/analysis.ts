// The rollout's decisions, as Flagger makes them for Istio: after each interval the canary's
// success rate and p99 are checked; a passing check advances the weight by one step (promoting
// once max weight has passed a check), a failing one holds the weight and counts, and reaching the
// threshold of failed checks rolls back. Pure: the loop that waits and applies lives in rollout.ts.
import type { HeaderRoute, RouteRequest } from '../routes/route-request.ts';

export interface CanaryPlan {
  service: string;
  from: string;
  to: string;
  /** Percentage points added per passing check. */
  step: number;
  /** The last weight analysed before promotion. */
  maxWeight: number;
  /** Failed checks (in total, as Flagger counts) that roll back. */
  threshold: number;
  /** Percent of non-5xx responses the canary must keep. */
  minSuccessRate: number;
  maxP99Ms: number;
  /** A header-matched group that sees the canary first, before any percentage. */
  header?: Omit<HeaderRoute, 'version'>;
}

/** Where a rollout is: the header-matched group only, or a percentage of every call. */
export type Stage = { kind: 'header' } | { kind: 'weight'; weight: number };

/** What the destination sidecars of one version reported over the check's window. */
export interface VersionFigures {
  requests: number;
  /** Percent of responses that were not 5xx; null without data. */
  successRate: number | null;
  p99Ms: number | null;
}

export interface Check {
  passed: boolean;
  /** Failed because nothing, or not enough, was measured: never a reason to advance. */
  noData: boolean;
  /** One line a person reads: the figures against the criteria, or why there are none. */
  summary: string;
}

export type Decision =
  | { kind: 'advance'; stage: Stage; failedChecks: number }
  | { kind: 'promote'; failedChecks: number }
  | { kind: 'hold'; failedChecks: number }
  | { kind: 'rollback'; failedChecks: number };

export const firstStage = (plan: CanaryPlan): Stage =>
  plan.header === undefined
    ? { kind: 'weight', weight: Math.min(plan.step, plan.maxWeight) }
    : { kind: 'header' };

/** The canary's share of calls without a matching header. */
export const canaryWeight = (stage: Stage): number => (stage.kind === 'weight' ? stage.weight : 0);

export function checkCanary(
  plan: CanaryPlan,
  figures: VersionFigures | undefined,
  windowSeconds: number,
): Check {
  const workload = `${plan.service}-${plan.to}`;
  const window = `the last ${formatSeconds(windowSeconds)}`;
  if (figures === undefined || figures.requests <= 0) {
    return noData(`no requests reached ${workload} in ${window}`);
  }
  if (figures.successRate === null) return noData(`no success rate for ${workload} in ${window}`);
  if (figures.p99Ms === null) return noData(`no latency figures for ${workload} in ${window}`);

  const success = `success rate ${figures.successRate.toFixed(1)}%`;
  const p99 = `p99 ${Math.round(figures.p99Ms)} ms`;
  const successOk = figures.successRate >= plan.minSuccessRate;
  const p99Ok = figures.p99Ms <= plan.maxP99Ms;
  const parts = [
    `${success} ${successOk ? '≥' : '<'} ${plan.minSuccessRate}%`,
    `${p99} ${p99Ok ? '≤' : '>'} ${plan.maxP99Ms} ms`,
  ];
  return { passed: successOk && p99Ok, noData: false, summary: parts.join(', ') };
}

export function decide(
  plan: CanaryPlan,
  stage: Stage,
  failedChecks: number,
  check: Check,
): Decision {
  if (!check.passed) {
    const failed = failedChecks + 1;
    return failed >= plan.threshold
      ? { kind: 'rollback', failedChecks: failed }
      : { kind: 'hold', failedChecks: failed };
  }
  if (stage.kind === 'header') {
    return {
      kind: 'advance',
      stage: { kind: 'weight', weight: Math.min(plan.step, plan.maxWeight) },
      failedChecks,
    };
  }
  if (stage.weight >= plan.maxWeight) return { kind: 'promote', failedChecks };
  const weight = Math.min(stage.weight + plan.step, plan.maxWeight);
  return { kind: 'advance', stage: { kind: 'weight', weight }, failedChecks };
}

/**
 * The route while analysing `stage`: the header group (kept through the percentage steps, so the
 * people testing the canary stay on it) and the split.
 */
export function stageRoute(plan: CanaryPlan, stage: Stage): RouteRequest {
  const weight = canaryWeight(stage);
  const split =
    weight === 0
      ? [{ version: plan.from, weight: 100 }]
      : [
          { version: plan.from, weight: 100 - weight },
          { version: plan.to, weight },
        ];
  const headers = plan.header === undefined ? [] : [{ ...plan.header, version: plan.to }];
  return { service: plan.service, split, headers };
}

/** Every call to one version, no header routes: the end of a rollout either way. */
export const finalRoute = (plan: CanaryPlan, version: string): RouteRequest => ({
  service: plan.service,
  split: [{ version, weight: 100 }],
  headers: [],
});

/** Every stage a rollout passes through when all checks pass, in order. */
export function stagesOf(plan: CanaryPlan): Stage[] {
  const stages: Stage[] = [firstStage(plan)];
  for (;;) {
    const last = stages.at(-1);
    if (last === undefined) break;
    const next = decide(plan, last, 0, { passed: true, noData: false, summary: '' });
    if (next.kind !== 'advance') break;
    stages.push(next.stage);
  }
  return stages;
}

export function describeStage(plan: CanaryPlan, stage: Stage): string {
  if (stage.kind === 'weight') return `${plan.to} ${stage.weight}%`;
  const header = plan.header;
  return header === undefined ? `${plan.to} 0%` : `${header.header}=${header.value} → ${plan.to}`;
}

const noData = (summary: string): Check => ({ passed: false, noData: true, summary });

/** 30s, 2m, 1m30s, 1.5s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}
