// What `quizmesh canary` accepts before it touches anything: its options, the rollout state file it
// reads back, and the PromQL it sends (which must parse and name only metrics the mesh emits).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canaryQueries } from '../../../../mesh-client/canary/metrics.ts';
import { parseArguments, UsageError } from '../../../../cli/arguments.ts';
import { command as canaryCommand } from '../../../../cli/canary/main.ts';
import { parseCanaryOptions } from '../../../../cli/canary/options.ts';
import {
  readRollout,
  rolloutPath,
  rolloutServices,
  saveRollout,
  type Rollout,
} from '../../../../mesh-client/canary/state.ts';
import { emittedMetrics, promqlProblems } from '../../../support/emitted-metrics.ts';

/** argv read as the dispatcher reads it for `quizmesh canary`, then checked as a new rollout. */
function parse(argv: string[]) {
  const { values, positionals } = parseArguments(argv, canaryCommand);
  return parseCanaryOptions(positionals[0], values);
}

describe('canary options', () => {
  it('reads the talk command with its defaults filled in', () => {
    const parsed = parse(['quiz', '--from', 'v1', '--to', 'v3', '--interval', '2m']);
    assert.deepEqual(parsed, {
      service: 'quiz',
      from: 'v1',
      to: 'v3',
      step: 10,
      maxWeight: 50,
      intervalSeconds: 120,
      threshold: 2,
      minSuccessRate: 99,
      maxP99Ms: 500,
      cluster: false,
      namespace: 'quiz',
      dryRun: false,
    });
  });

  it('lower-cases the header name and keeps the value as given', () => {
    const parsed = parse(['quiz', '--from', 'v1', '--to', 'v2', '--header', 'X-Quiz-Player=Dev=1']);
    assert.deepEqual(parsed.header, { header: 'x-quiz-player', value: 'Dev=1' });
  });

  const refusals: [string[], RegExp][] = [
    [['quiz', '--to', 'v3'], /give --from VERSION and --to VERSION/],
    [['quiz', '--from', 'v1', '--to', 'v1'], /--to "v1": must differ from --from/],
    [['quiz', '--from', 'v1', '--to', 'v3', '--step', '0'], /--step "0": must be at least 1/],
    [
      ['quiz', '--from', 'v1', '--to', 'v3', '--step', '60'],
      /--step 60 is more than --max-weight 50/,
    ],
    [
      ['quiz', '--from', 'v1', '--to', 'v3', '--interval', 'soon'],
      /--interval "soon": must be a time/,
    ],
    [['quiz', '--from', 'v1', '--to', 'v3', '--interval', '500ms'], /must be at least 1s/],
    [['quiz', '--from', 'v1', '--to', 'v3', '--min-success-rate', '120'], /must be at most 100/],
    [['quiz', '--from', 'v1', '--to', 'v3', '--header', 'x-quiz-player'], /must be NAME=VALUE/],
    [['Quiz!', '--from', 'v1', '--to', 'v3'], /service "Quiz!": must be a service name/],
    [['quiz', '--from', 'v1', '--to', 'v3', '--cluster'], /--prometheus: is needed with --cluster/],
    [['quiz', '--from', 'v1', '--to', 'v3', '--prometheus', 'ftp://x'], /must be an http:\/\/ URL/],
  ];
  for (const [argv, message] of refusals) {
    it(`refuses ${argv.slice(1).join(' ')} with a message naming the option`, () => {
      assert.throws(() => parse(argv), { name: UsageError.name, message });
    });
  }

  it('lets --cluster go without --prometheus for a dry run, which reads no figures', () => {
    assert.equal(
      parse(['quiz', '--from', 'v1', '--to', 'v3', '--cluster', '--dry-run']).cluster,
      true,
    );
  });
});

const rollout: Rollout = {
  service: 'quiz',
  plan: {
    from: 'v1',
    to: 'v3',
    step: 10,
    maxWeight: 50,
    threshold: 2,
    minSuccessRate: 99,
    maxP99Ms: 500,
    intervalSeconds: 30,
  },
  target: { kind: 'local', configDir: 'mesh-config' },
  metrics: { kind: 'local-mesh', url: 'http://127.0.0.1:15090/stats/prometheus' },
  phase: 'interrupted',
  stage: { kind: 'weight', weight: 20 },
  failedChecks: 0,
  checks: [
    {
      at: '2026-11-25T10:00:30.000Z',
      stage: { kind: 'weight', weight: 10 },
      passed: true,
      noData: false,
      summary: 'success rate 100.0% ≥ 99%, p99 40 ms ≤ 500 ms',
      figures: { v3: { requests: 12, successRate: 100, p99Ms: 40 } },
      windowSeconds: 30,
      decision: 'advance',
      failedChecks: 0,
    },
  ],
  pid: 4242,
  startedAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:31.000Z',
  message: 'interrupted',
};

describe('canary state file', () => {
  it('reads back what it saved', () => {
    const home = mkdtempSync(join(tmpdir(), 'quizmesh-canary-'));
    saveRollout(home, rollout);
    assert.deepEqual(readRollout(home, 'quiz'), { kind: 'found', rollout });
    assert.deepEqual(rolloutServices(home), ['quiz']);
  });

  it('says there is none when no rollout was kept', () => {
    const home = mkdtempSync(join(tmpdir(), 'quizmesh-canary-'));
    assert.deepEqual(readRollout(home, 'quiz'), { kind: 'none' });
    assert.deepEqual(rolloutServices(home), []);
  });

  it('refuses a truncated or hand-broken file, naming the file and the field', () => {
    const home = mkdtempSync(join(tmpdir(), 'quizmesh-canary-'));
    mkdirSync(join(home, 'canary'));
    writeFileSync(rolloutPath(home, 'quiz'), '{"service": "quiz", "pha');
    assert.deepEqual(readRollout(home, 'quiz'), {
      kind: 'invalid',
      message: `${rolloutPath(home, 'quiz')} is not JSON`,
    });
    writeFileSync(rolloutPath(home, 'quiz'), JSON.stringify({ ...rollout, failedChecks: -1 }));
    const read = readRollout(home, 'quiz');
    assert.ok(read.kind === 'invalid', read.kind);
    assert.match(read.message, /quiz\.json: failedChecks: /);
  });
});

describe('canary queries', () => {
  const queries = canaryQueries('quiz', ['v1', 'v3'], 'quiz', 30);

  it('ask the destination sidecars of both workloads over the interval, as Flagger does', () => {
    for (const query of Object.values(queries)) {
      assert.match(query, /reporter="destination"/);
      assert.match(query, /destination_workload_namespace="quiz"/);
      assert.match(query, /destination_workload=~"quiz-v1\|quiz-v3"/);
      assert.match(query, /\[30s\]/);
    }
    assert.match(queries.successRate, /response_code!~"5\.\*"/);
    assert.match(queries.p99, /^histogram_quantile\(0\.99, sum by \(destination_workload, le\)/);
  });

  it('parse as PromQL and name only metrics and labels the mesh emits', () => {
    const vocabulary = emittedMetrics();
    for (const query of Object.values(queries)) {
      assert.deepEqual(promqlProblems(query, vocabulary), [], query);
    }
  });

  it('quote label values so a name cannot break out of its matcher', () => {
    const hostile = canaryQueries('quiz', ['v1"}'], 'ns', 1.4);
    assert.match(hostile.requests, /destination_workload=~"quiz-v1\\"}"/);
    assert.match(hostile.requests, /\[1s\]/);
  });
});
