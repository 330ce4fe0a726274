// The rollout loop: apply the stage's route, wait one interval, measure, decide, record. The state
// file is written after every change, so whatever stops the loop (a signal, a refused route, a
// crash) leaves a file saying which route is in force. A signal is only acted on between steps:
// a route being applied is finished first, so the config on disk and in the mesh is never half a
// step.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../fetch-error.ts';
import { describeRouteRequest, type RouteRequest } from '../routes/route-request.ts';
import {
  checkCanary,
  decide,
  describeStage,
  finalRoute,
  stageRoute,
  type Stage,
  type VersionFigures,
} from './analysis.ts';
import type { CanaryMetrics } from './metrics.ts';
import type { RouteTarget } from './route-target.ts';
import type { CheckRecord, Phase, Rollout } from './state.ts';
import { planOf } from './describe.ts';

/** What the rollout tells whoever watches it (the terminal, a test). */
export interface RolloutView {
  started(rollout: Rollout, where: string, metrics: string): void;
  applied(rollout: Rollout, what: string, note: string): void;
  waiting(secondsLeft: number): void;
  checked(rollout: Rollout, check: CheckRecord): void;
  finished(rollout: Rollout): void;
}

export interface RolloutDeps {
  target: RouteTarget;
  metrics: CanaryMetrics;
  view: RolloutView;
  save: (rollout: Rollout) => void;
  signal: AbortSignal;
}

const COUNTDOWN_MS = 1_000;

export async function runRollout(start: Rollout, deps: RolloutDeps): Promise<Rollout> {
  const plan = planOf(start);
  const interval = start.plan.intervalSeconds;
  const { target, metrics, view, signal } = deps;
  let rollout: Rollout = { ...start, phase: 'progressing', pid: process.pid };
  const update = (changes: Partial<Rollout>): Rollout => {
    rollout = { ...rollout, ...changes, updatedAt: new Date().toISOString() };
    deps.save(rollout);
    return rollout;
  };
  const end = async (phase: Phase, route: RouteRequest, done: string): Promise<Rollout> => {
    const applied = await target.apply(route);
    const message = applied.ok
      ? `${done}; route in force: ${describeRouteRequest(route)} (${applied.note})`
      : `could not apply ${describeRouteRequest(route)}: ${applied.message}\n` +
        `the route of ${describeStage(plan, rollout.stage)} may still be in force`;
    return update({ phase: applied.ok ? phase : 'halted', message });
  };

  let applied: Stage | undefined;
  for (;;) {
    const route = stageRoute(plan, rollout.stage);
    if (!sameStage(applied, rollout.stage)) {
      const result = await target.apply(route);
      const what = `step ${describeStage(plan, rollout.stage)} (${describeRouteRequest(route)})`;
      if (!result.ok) {
        return update({
          phase: 'halted',
          message: `could not apply ${what}: ${result.message}\nthe route before it stays in force`,
        });
      }
      applied = rollout.stage;
      update({ message: `${describeRouteRequest(route)} in force` });
      view.applied(rollout, what, result.note);
    }
    if (signal.aborted) return interrupted(update, plan.service, route);

    const windowError = await metrics.startWindow().then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!(await wait(interval * 1000, view, signal))) {
      return interrupted(update, plan.service, route);
    }
    const measured = await measure(metrics, interval, windowError);
    const check =
      typeof measured === 'string'
        ? { passed: false, noData: true, summary: measured }
        : checkCanary(plan, measured.get(plan.to), interval);
    const decision = decide(plan, rollout.stage, rollout.failedChecks, check);
    const figures: Record<string, VersionFigures> =
      typeof measured === 'string' ? {} : Object.fromEntries(measured);
    const record = {
      at: new Date().toISOString(),
      stage: rollout.stage,
      ...check,
      figures,
      windowSeconds: interval,
      decision: decision.kind,
      failedChecks: decision.failedChecks,
    };
    update({
      checks: [...rollout.checks, record],
      failedChecks: decision.failedChecks,
      ...(decision.kind === 'advance' && { stage: decision.stage }),
    });
    view.checked(rollout, record);
    if (decision.kind === 'promote') {
      return end('promoted', finalRoute(plan, plan.to), `${plan.to} promoted`);
    }
    if (decision.kind === 'rollback') {
      const why = `${String(decision.failedChecks)} failed checks (threshold ${String(plan.threshold)})`;
      return end('rolled-back', finalRoute(plan, plan.from), `rolled back after ${why}`);
    }
  }
}

/** The figures per version, or why there are none, said as a failed check says it. */
async function measure(
  metrics: CanaryMetrics,
  seconds: number,
  windowError: unknown,
): Promise<Map<string, VersionFigures> | string> {
  const failure = (error: unknown) =>
    `cannot read figures from ${metrics.url}: ${errorMessage(error)}`;
  if (windowError !== undefined) return failure(windowError);
  try {
    return await metrics.measure(seconds);
  } catch (error) {
    return failure(error);
  }
}

/** Waits `ms`, counting down on the view; false when interrupted. */
async function wait(ms: number, view: RolloutView, signal: AbortSignal): Promise<boolean> {
  const until = performance.now() + ms;
  for (;;) {
    const left = until - performance.now();
    if (left <= 0) return true;
    view.waiting(left / 1000);
    try {
      await sleep(Math.min(left, COUNTDOWN_MS), undefined, { signal });
    } catch {
      return false;
    }
  }
}

function interrupted(
  update: (changes: Partial<Rollout>) => Rollout,
  service: string,
  route: RouteRequest,
): Rollout {
  return update({
    phase: 'interrupted',
    message:
      `interrupted; the route ${describeRouteRequest(route)} stays in force.\n` +
      `continue: quizmesh canary resume ${service} · undo: quizmesh canary abort ${service}`,
  });
}

const sameStage = (a: Stage | undefined, b: Stage): boolean =>
  a !== undefined &&
  a.kind === b.kind &&
  (a.kind === 'header' || a.weight === (b as typeof a).weight);
