// The alerting rules, checked by Prometheus's own tool against the unit tests beside them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { emittedMetrics, promqlProblems } from '../../support/emitted-metrics.ts';

const RULES = fileURLToPath(new URL('../../../prometheus/rules/', import.meta.url));

const promtool = (...args: string[]) => {
  const run = spawnSync('promtool', args, { cwd: RULES, encoding: 'utf8' });
  if (run.error)
    assert.fail(`promtool not found (${run.error.message}): install Debian's prometheus package`);
  return run;
};

describe('alerting rules', () => {
  it('promtool check rules accepts quizmesh.rules.yaml', () => {
    const run = promtool('check', 'rules', 'quizmesh.rules.yaml');
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it('promtool test rules passes quizmesh.rules.test.yaml', () => {
    const run = promtool('test', 'rules', 'quizmesh.rules.test.yaml');
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it('every rule names only metrics and labels the code emits', () => {
    const file = parse(readFileSync(`${RULES}quizmesh.rules.yaml`, 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const vocabulary = emittedMetrics();
    const rules = file.groups.flatMap((g) => g.rules);
    assert.deepEqual(
      rules.map((r) => r.alert),
      ['QuizmeshVersionErrorRateHigh', 'QuizmeshVersionLatencyP99High'],
    );
    for (const rule of rules)
      assert.deepEqual(promqlProblems(rule.expr, vocabulary), [], rule.alert);
  });
});
