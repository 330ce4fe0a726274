// `quizmesh canary status [service]`: the rollouts kept in QUIZMESH_HOME/canary, each with where it
// is, its checks and what can be done next.
import { describeStage } from '../../mesh-client/canary/analysis.ts';
import {
  isRunning,
  isUnfinished,
  readRollout,
  rolloutServices,
  type Rollout,
} from '../../mesh-client/canary/state.ts';
import { describeCriteria, formatCheck, planOf } from '../../mesh-client/canary/describe.ts';

export function runStatus(home: string, service: string | undefined, json: boolean): number {
  const services = service === undefined ? rolloutServices(home) : [service];
  const rollouts: Rollout[] = [];
  for (const name of services) {
    const found = readRollout(home, name);
    if (found.kind === 'invalid') {
      process.stderr.write(`quizmesh canary: ${found.message}\n`);
      return 1;
    }
    if (found.kind === 'found') rollouts.push(found.rollout);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(rollouts, null, 2)}\n`);
    return 0;
  }
  if (rollouts.length === 0) {
    const which = service === undefined ? 'no rollouts' : `no rollout of ${service}`;
    process.stdout.write(`${which} in ${home}/canary\n`);
    return 0;
  }
  process.stdout.write(`${rollouts.map(formatRollout).join('\n\n')}\n`);
  return 0;
}

export function formatRollout(rollout: Rollout): string {
  const plan = planOf(rollout);
  const running = isRunning(rollout);
  const phase =
    rollout.phase === 'progressing' && !running
      ? 'progressing (its process is gone)'
      : rollout.phase;
  const lines = [
    `canary ${describeCriteria(rollout)}`,
    `  ${phase} at ${describeStage(plan, rollout.stage)}, ${rollout.failedChecks}/${plan.threshold} failed checks, ` +
      `started ${rollout.startedAt}, updated ${rollout.updatedAt}${running ? `, pid ${rollout.pid}` : ''}`,
    ...rollout.checks.map((check, i) => formatCheck(rollout, check, i + 1)),
    ...rollout.message.split('\n').map((line) => `  ${line}`),
  ];
  if (!running && isUnfinished(rollout.phase)) {
    lines.push(
      `  next: quizmesh canary resume ${rollout.service} · quizmesh canary abort ${rollout.service}`,
    );
  }
  return lines.join('\n');
}
