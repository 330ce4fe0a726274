import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countErrors } from '../../../../bench/soak/error-count.ts';
import type { GrowthJudgement } from '../../../../bench/soak/growth.ts';
import { isInjected } from '../../../../bench/soak/injected-failures.ts';
import { judgeSoak, type SoakFindings } from '../../../../bench/soak/verdict.ts';
import type { EndpointSummary, LoadSummary } from '../../../../cli/load/stats.ts';

const flat: GrowthJudgement = {
  judged: true,
  samples: 60,
  middleMiB: 150,
  lastMiB: 151,
  growthMiB: 1,
  allowedMiB: 15,
  grew: false,
};

function findings(over: Partial<SoakFindings> = {}): SoakFindings {
  return {
    growth: new Map([['mesh', flat]]),
    errors: [],
    failedPlays: 0,
    restarts: new Map([['mesh', 0]]),
    ...over,
  };
}

const endpoint = (errorsByStatus: Record<string, number>): EndpointSummary => ({
  requests: 1000,
  responses: 1000,
  errors: Object.values(errorsByStatus).reduce((a, b) => a + b, 0),
  errorsByStatus,
  latencyMicros: { p50: 0, p90: 0, p99: 0, max: 0 },
});

const summaryWith = (round: Record<string, number>, answer: Record<string, number> = {}) =>
  ({ endpoints: { round: endpoint(round), answer: endpoint(answer) } }) as LoadSummary;

describe('judgeSoak', () => {
  it('holds with flat memory, no failures and no restarts, and says how close memory came', () => {
    const verdict = judgeSoak(findings());
    assert.equal(verdict.holds, true);
    assert.match(verdict.lines.join('\n'), /closest: mesh \+1\.0 MiB of 15\.0 allowed/);
  });

  it('fails on a process whose memory grew, naming it with its growth and allowance', () => {
    const grew = { ...flat, lastMiB: 180, growthMiB: 30, grew: true };
    const verdict = judgeSoak(findings({ growth: new Map([['zipkin', grew]]) }));
    assert.equal(verdict.holds, false);
    assert.match(verdict.lines[0] ?? '', /^FAIL memory grew: zipkin \+30\.0 MiB \(allowed 15\.0\)/);
  });

  it('fails when a process could not be judged', () => {
    const verdict = judgeSoak(
      findings({ growth: new Map([['mesh', { judged: false, samples: 4 }]]) }),
    );
    assert.equal(verdict.holds, false);
  });

  it("holds with v1's injected round 502s, and fails on one answer 500 beside them", () => {
    const injected = new Map([['round 502', 120]]);
    const v1 = countErrors(summaryWith({ '502': 120 }), injected);
    assert.equal(judgeSoak(findings({ errors: v1, failedPlays: 120 })).holds, true);
    const more = countErrors(summaryWith({ '502': 120 }, { '500': 1 }), injected);
    const verdict = judgeSoak(findings({ errors: more, failedPlays: 121 }));
    assert.equal(verdict.holds, false);
    assert.match(
      verdict.lines[1] ?? '',
      /1 failed plays beyond the injected ones \(answer 500 ×1\)/,
    );
  });

  it('a round 502 the tap did not see as injected counts, as does a play failed without a request', () => {
    const errors = countErrors(summaryWith({ '502': 10 }), new Map([['round 502', 7]]));
    assert.deepEqual(errors, [{ kind: 'round 502', count: 10, injected: 7, unexpected: 3 }]);
    assert.equal(judgeSoak(findings({ errors: [], failedPlays: 1 })).holds, false);
  });

  it('fails on a restart, naming the process', () => {
    const verdict = judgeSoak(findings({ restarts: new Map([['quiz-v3', 2]]) }));
    assert.equal(verdict.holds, false);
    assert.equal(verdict.lines[2], 'FAIL restarts: quiz-v3 ×2');
  });
});

describe('isInjected', () => {
  const round502 = (player: string) => ({ endpoint: 'round' as const, status: 502, player });

  it('v1 injects round 502s for anyone; v3 injects nothing', () => {
    assert.equal(isInjected('v1', round502('alice')), true);
    assert.equal(isInjected('v1', { endpoint: 'answer', status: 502, player: 'alice' }), false);
    assert.equal(isInjected('v3', round502('李雷')), false);
  });

  it('v2 injects round 502s only for players named outside Latin-1', () => {
    assert.equal(isInjected('v2', round502('Łukasz')), true);
    assert.equal(isInjected('v2', round502('José')), false);
  });
});
