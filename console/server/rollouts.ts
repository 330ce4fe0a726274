// The rollouts `quizmesh canary` keeps in QUIZMESH_HOME/canary, as the console shows them: where
// each is among its stages, each check's figures and verdict, and what was decided. Read from the
// state files on every look; the console keeps nothing of its own.
import { describeStage, stagesOf, type Stage } from '../../mesh-client/canary/analysis.ts';
import {
  isRunning,
  readRollout,
  rolloutServices,
  type Rollout,
} from '../../mesh-client/canary/state.ts';
import { describeCriteria, formatCheck, planOf } from '../../mesh-client/canary/describe.ts';

export interface RolloutView {
  service: string;
  from: string;
  to: string;
  phase: Rollout['phase'];
  /** A progressing rollout whose process still runs. */
  running: boolean;
  criteria: string;
  stage: string;
  stages: { label: string; state: 'done' | 'current' | 'next' }[];
  failedChecks: number;
  threshold: number;
  checks: {
    at: string;
    stage: string;
    passed: boolean;
    noData: boolean;
    decision: string;
    summary: string;
    figures: Rollout['checks'][number]['figures'];
    /** As `quizmesh canary status` prints it. */
    text: string;
  }[];
  message: string;
  startedAt: string;
  updatedAt: string;
}

export interface RolloutsView {
  rollouts: RolloutView[];
  /** State files that do not read as a rollout, with the reason. */
  invalid: { service: string; message: string }[];
}

export function readRollouts(home: string): RolloutsView {
  const view: RolloutsView = { rollouts: [], invalid: [] };
  for (const service of rolloutServices(home)) {
    const found = readRollout(home, service);
    if (found.kind === 'found') view.rollouts.push(rolloutView(found.rollout));
    else if (found.kind === 'invalid') view.invalid.push({ service, message: found.message });
  }
  return view;
}

function rolloutView(rollout: Rollout): RolloutView {
  const plan = planOf(rollout);
  const key = (stage: Stage): string => describeStage(plan, stage);
  const stages = stagesOf(plan).map(key);
  const current = stages.indexOf(key(rollout.stage));
  const finished = rollout.phase === 'promoted';
  return {
    service: rollout.service,
    from: plan.from,
    to: plan.to,
    phase: rollout.phase,
    running: isRunning(rollout),
    criteria: describeCriteria(rollout),
    stage: key(rollout.stage),
    stages: stages.map((label, i) => ({
      label,
      state: finished || i < current ? 'done' : i === current ? 'current' : 'next',
    })),
    failedChecks: rollout.failedChecks,
    threshold: plan.threshold,
    checks: rollout.checks.map((check, i) => ({
      at: check.at,
      stage: key(check.stage),
      passed: check.passed,
      noData: check.noData,
      decision: check.decision,
      summary: check.summary,
      figures: check.figures,
      text: formatCheck(rollout, check, i + 1),
    })),
    message: rollout.message,
    startedAt: rollout.startedAt,
    updatedAt: rollout.updatedAt,
  };
}
