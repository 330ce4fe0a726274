// A rollout in words: its criteria, each check with both versions' figures side by side, the
// decision and the outcome. Shared by the terminal (`quizmesh canary`, `canary status`) and the
// console, so all three say it the same way.
import {
  decide,
  describeStage,
  formatSeconds,
  type CanaryPlan,
  type VersionFigures,
} from './analysis.ts';
import type { CheckRecord, Rollout } from './state.ts';

export function planOf(rollout: Pick<Rollout, 'service' | 'plan'>): CanaryPlan {
  const { header, ...plan } = rollout.plan;
  return { service: rollout.service, ...plan, ...(header && { header }) };
}

export function describeCriteria(rollout: Pick<Rollout, 'service' | 'plan'>): string {
  const p = rollout.plan;
  const header = p.header === undefined ? '' : `, first ${p.header.header}=${p.header.value}`;
  return [
    `${rollout.service}: ${p.from} → ${p.to}${header}, ${p.step}% steps to ${p.maxWeight}%`,
    `every ${formatSeconds(p.intervalSeconds)}`,
    `success ≥ ${p.minSuccessRate}% and p99 ≤ ${p.maxP99Ms} ms`,
    `rollback after ${p.threshold} failed check${p.threshold === 1 ? '' : 's'}`,
  ].join(' · ');
}

/** `v1 12.3 req/s 73.1% ok p99 88 ms` */
export function formatFigures(version: string, figures: VersionFigures | undefined): string {
  if (figures === undefined || figures.requests <= 0) return `${version} no requests`;
  const rate = figures.successRate === null ? '-' : `${figures.successRate.toFixed(1)}%`;
  const p99 = figures.p99Ms === null ? '-' : `${Math.round(figures.p99Ms)} ms`;
  return `${version} ${formatCount(figures.requests)} req ${rate} ok p99 ${p99}`;
}

const formatCount = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function formatCheck(rollout: Rollout, check: CheckRecord, index: number): string {
  const plan = planOf(rollout);
  const verdict = check.passed ? 'passed' : check.noData ? 'failed (no data)' : 'failed';
  const versions = [plan.to, plan.from].map((v) => formatFigures(v, check.figures[v])).join(' | ');
  const failed = `${check.failedChecks}/${plan.threshold} failed`;
  return (
    `  check ${index} at ${describeStage(plan, check.stage)}: ${versions}\n` +
    `    ${verdict}: ${check.summary} → ${describeDecision(rollout, check)} (${failed})`
  );
}

function describeDecision(rollout: Rollout, check: CheckRecord): string {
  const plan = planOf(rollout);
  switch (check.decision) {
    case 'advance': {
      const next = decide(plan, check.stage, 0, { passed: true, noData: false, summary: '' });
      return next.kind === 'advance' ? `advance to ${describeStage(plan, next.stage)}` : 'advance';
    }
    case 'hold':
      return 'hold';
    case 'promote':
      return 'promote';
    case 'rollback':
      return 'roll back';
  }
}

export function formatSummary(rollout: Rollout): string {
  const p = rollout.plan;
  const checks = rollout.checks.length;
  const took = formatSeconds(
    (Date.parse(rollout.updatedAt) - Date.parse(rollout.startedAt)) / 1000,
  );
  const outcome: Record<Rollout['phase'], string> = {
    promoted: `PROMOTED: ${p.to} takes every call to ${rollout.service}`,
    'rolled-back': `ROLLED BACK: ${p.from} takes every call to ${rollout.service}`,
    aborted: `ABORTED: ${p.from} takes every call to ${rollout.service}`,
    interrupted: 'INTERRUPTED',
    halted: 'HALTED',
    progressing: 'PROGRESSING',
  };
  return [
    `${outcome[rollout.phase]} (${checks} check${checks === 1 ? '' : 's'}, ${rollout.failedChecks} failed, ${took})`,
    rollout.message,
  ].join('\n');
}
