// The soak's verdict from what it measured: it holds when no process's memory grew, no failed play
// went beyond the injected ones, and no process was restarted. Each reason names the figures that
// decided it, so a failing run says where to look without reading the tables.
import type { ErrorKind } from './error-count.ts';
import type { GrowthJudgement } from './growth.ts';

export interface SoakFindings {
  growth: ReadonlyMap<string, GrowthJudgement>;
  errors: readonly ErrorKind[];
  failedPlays: number;
  /** Restarts during the run, by process. */
  restarts: ReadonlyMap<string, number>;
}

export interface SoakVerdict {
  holds: boolean;
  /** One line per check, each saying what it found. */
  lines: string[];
}

export function judgeSoak(findings: SoakFindings): SoakVerdict {
  const checks = [memoryCheck(findings.growth), errorCheck(findings), restartCheck(findings)];
  return {
    holds: checks.every((check) => check.holds),
    lines: checks.map((check) => `${check.holds ? 'ok  ' : 'FAIL'} ${check.line}`),
  };
}

interface Check {
  holds: boolean;
  line: string;
}

const mib = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)} MiB`;

function memoryCheck(growth: ReadonlyMap<string, GrowthJudgement>): Check {
  const unjudged = [...growth].filter(([, g]) => !g.judged).map(([name]) => name);
  if (unjudged.length > 0) {
    return { holds: false, line: `memory: too few samples to judge ${unjudged.join(', ')}` };
  }
  const judged = [...growth].flatMap(([name, g]) => (g.judged ? [{ name, ...g }] : []));
  const grew = judged.filter((g) => g.grew);
  if (grew.length > 0) {
    const named = grew.map(
      (g) => `${g.name} ${mib(g.growthMiB)} (allowed ${g.allowedMiB.toFixed(1)})`,
    );
    return { holds: false, line: `memory grew: ${named.join(', ')}` };
  }
  // The closest call, so a pass says how much room was left.
  const closest = judged.reduce<(typeof judged)[number] | undefined>(
    (best, g) =>
      best === undefined || g.growthMiB / g.allowedMiB > best.growthMiB / best.allowedMiB
        ? g
        : best,
    undefined,
  );
  const margin =
    closest === undefined
      ? ''
      : `; closest: ${closest.name} ${mib(closest.growthMiB)} of ${closest.allowedMiB.toFixed(1)} allowed`;
  return { holds: true, line: `memory: no process grew (${judged.length} judged${margin})` };
}

function errorCheck({ errors, failedPlays }: SoakFindings): Check {
  const injected = errors.reduce((sum, e) => sum + e.injected, 0);
  // A play ends at its first failed request, and one that threw has none: count whichever is more.
  const unexpectedRequests = errors.reduce((sum, e) => sum + e.unexpected, 0);
  const unexpected = Math.max(unexpectedRequests, failedPlays - injected);
  const kinds = errors
    .filter((e) => e.unexpected > 0)
    .map((e) => `${e.kind} ×${e.unexpected}`)
    .join(', ');
  const line =
    `errors: ${unexpected} failed plays beyond the injected ones` +
    (kinds === '' ? '' : ` (${kinds})`) +
    `; ${failedPlays} failed in all, ${injected} injected`;
  return { holds: unexpected === 0, line };
}

function restartCheck({ restarts }: SoakFindings): Check {
  const restarted = [...restarts].filter(([, count]) => count > 0);
  if (restarted.length === 0) return { holds: true, line: 'restarts: none' };
  const named = restarted.map(([name, count]) => `${name} ×${count}`).join(', ');
  return { holds: false, line: `restarts: ${named}` };
}
