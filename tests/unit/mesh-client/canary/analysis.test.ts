import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkCanary,
  decide,
  firstStage,
  stageRoute,
  stagesOf,
  finalRoute,
  formatSeconds,
  type CanaryPlan,
  type Check,
  type Decision,
  type Stage,
} from '../../../../mesh-client/canary/analysis.ts';

const plan: CanaryPlan = {
  service: 'quiz',
  from: 'v1',
  to: 'v3',
  step: 10,
  maxWeight: 50,
  threshold: 2,
  minSuccessRate: 99,
  maxP99Ms: 500,
};
const withHeader: CanaryPlan = { ...plan, header: { header: 'x-quiz-player', value: 'dev' } };

const pass: Check = { passed: true, noData: false, summary: 'ok' };
const fail: Check = { passed: false, noData: false, summary: 'bad' };
const weight = (w: number): Stage => ({ kind: 'weight', weight: w });

describe('canary checks', () => {
  it('passes a canary within both criteria and says so with its figures', () => {
    const check = checkCanary(plan, { requests: 40, successRate: 99.5, p99Ms: 120.4 }, 30);
    assert.deepEqual(check, {
      passed: true,
      noData: false,
      summary: 'success rate 99.5% ≥ 99%, p99 120 ms ≤ 500 ms',
    });
  });

  it('fails a canary whose success rate is under the minimum', () => {
    const check = checkCanary(plan, { requests: 40, successRate: 80, p99Ms: 100 }, 30);
    assert.equal(check.passed, false);
    assert.equal(check.noData, false);
    assert.equal(check.summary, 'success rate 80.0% < 99%, p99 100 ms ≤ 500 ms');
  });

  it('fails a canary whose p99 is over the maximum', () => {
    const check = checkCanary(plan, { requests: 40, successRate: 100, p99Ms: 750 }, 30);
    assert.equal(check.passed, false);
    assert.match(check.summary, /p99 750 ms > 500 ms/);
  });

  it('fails on silence, saying plainly that no requests reached the canary', () => {
    for (const figures of [undefined, { requests: 0, successRate: null, p99Ms: null }]) {
      assert.deepEqual(checkCanary(plan, figures, 30), {
        passed: false,
        noData: true,
        summary: 'no requests reached quiz-v3 in the last 30s',
      });
    }
  });

  it('fails when requests were counted but no success rate or latency came with them', () => {
    const noRate = checkCanary(plan, { requests: 3, successRate: null, p99Ms: 10 }, 2);
    assert.deepEqual(noRate, {
      passed: false,
      noData: true,
      summary: 'no success rate for quiz-v3 in the last 2s',
    });
    const noP99 = checkCanary(plan, { requests: 3, successRate: 100, p99Ms: null }, 90);
    assert.equal(noP99.noData, true);
    assert.equal(noP99.summary, 'no latency figures for quiz-v3 in the last 1m30s');
  });

  it('a success rate exactly at the minimum and a p99 exactly at the maximum pass', () => {
    assert.equal(checkCanary(plan, { requests: 1, successRate: 99, p99Ms: 500 }, 30).passed, true);
  });
});

describe('canary decisions', () => {
  it('starts at one step, or with the header group when one is given', () => {
    assert.deepEqual(firstStage(plan), weight(10));
    assert.deepEqual(firstStage(withHeader), { kind: 'header' });
    assert.deepEqual(firstStage({ ...plan, step: 80, maxWeight: 50 }), weight(50));
  });

  it('advances by one step after a passing check', () => {
    assert.deepEqual(decide(plan, weight(10), 0, pass), {
      kind: 'advance',
      stage: weight(20),
      failedChecks: 0,
    });
  });

  it('moves from the header group to the first percentage after a passing check', () => {
    assert.deepEqual(decide(withHeader, { kind: 'header' }, 0, pass), {
      kind: 'advance',
      stage: weight(10),
      failedChecks: 0,
    });
  });

  it('never advances past max weight, and promotes after max weight passes a check', () => {
    const uneven = { ...plan, step: 20, maxWeight: 50 };
    assert.deepEqual(decide(uneven, weight(40), 0, pass), {
      kind: 'advance',
      stage: weight(50),
      failedChecks: 0,
    });
    assert.deepEqual(decide(uneven, weight(50), 1, pass), { kind: 'promote', failedChecks: 1 });
  });

  it('holds the weight on a failed check under the threshold, and rolls back at it', () => {
    assert.deepEqual(decide(plan, weight(30), 0, fail), { kind: 'hold', failedChecks: 1 });
    assert.deepEqual(decide(plan, weight(30), 1, fail), { kind: 'rollback', failedChecks: 2 });
  });

  it('halts on no data: the weight is held and the check counts toward the threshold', () => {
    const silent = checkCanary(plan, undefined, 30);
    assert.deepEqual(decide(plan, weight(20), 0, silent), { kind: 'hold', failedChecks: 1 });
    assert.deepEqual(decide(plan, weight(50), 1, silent), { kind: 'rollback', failedChecks: 2 });
  });

  it('counts failed checks in total, as Flagger does: passes in between do not reset them', () => {
    const checks = [fail, pass, pass, fail];
    let stage: Stage = firstStage(plan);
    let failed = 0;
    const kinds: Decision['kind'][] = [];
    for (const check of checks) {
      const decision = decide(plan, stage, failed, check);
      kinds.push(decision.kind);
      failed = decision.failedChecks;
      if (decision.kind === 'advance') stage = decision.stage;
    }
    assert.deepEqual(kinds, ['hold', 'advance', 'advance', 'rollback']);
    assert.deepEqual(stage, weight(30));
  });

  it('a threshold of 1 rolls back on the first failed check', () => {
    assert.equal(decide({ ...plan, threshold: 1 }, weight(10), 0, fail).kind, 'rollback');
  });

  it('a rollout that always passes goes through every step to max weight, then promotes', () => {
    assert.deepEqual(stagesOf(plan), [10, 20, 30, 40, 50].map(weight));
    assert.deepEqual(stagesOf(withHeader)[0], { kind: 'header' });
    assert.equal(stagesOf(withHeader).length, 6);
    assert.equal(decide(plan, weight(50), 0, pass).kind, 'promote');
  });
});

describe('canary routes', () => {
  it('splits by the stage weight, keeping the header group on the canary', () => {
    assert.deepEqual(stageRoute(withHeader, weight(30)), {
      service: 'quiz',
      split: [
        { version: 'v1', weight: 70 },
        { version: 'v3', weight: 30 },
      ],
      headers: [{ header: 'x-quiz-player', value: 'dev', version: 'v3' }],
    });
  });

  it('sends everyone else to the old version while only the header group sees the canary', () => {
    assert.deepEqual(stageRoute(withHeader, { kind: 'header' }).split, [
      { version: 'v1', weight: 100 },
    ]);
  });

  it('ends with every call on one version and no header routes', () => {
    assert.deepEqual(finalRoute(withHeader, 'v3'), {
      service: 'quiz',
      split: [{ version: 'v3', weight: 100 }],
      headers: [],
    });
  });

  it('formats windows as people write them', () => {
    assert.deepEqual([2, 30, 60, 90, 1.5].map(formatSeconds), ['2s', '30s', '1m', '1m30s', '1.5s']);
  });
});
