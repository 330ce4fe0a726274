// `quizmesh canary`: start a rollout, or show, resume or abort one. The loop itself is rollout.ts;
// this file picks the route target and the figures' source, and turns the outcome into an exit code.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { readRuntimeState, type RuntimeState } from '../../local/runtime-state.ts';
import { findLocalMesh, quizmeshHome } from '../../mesh-client/local-mesh.ts';
import { describeRouteRequest } from '../../mesh-client/routes/route-request.ts';
import {
  describeStage,
  finalRoute,
  firstStage,
  stageRoute,
  stagesOf,
} from '../../mesh-client/canary/analysis.ts';
import {
  localMeshMetrics,
  prometheusMetrics,
  type CanaryMetrics,
} from '../../mesh-client/canary/metrics.ts';
import { CANARY_OPTIONS, CANARY_USAGE, parseCanaryOptions, type CanaryOptions } from './options.ts';
import { runRollout } from '../../mesh-client/canary/rollout.ts';
import {
  clusterTarget,
  localTarget,
  type RouteTarget,
} from '../../mesh-client/canary/route-target.ts';
import { runStatus } from './status.ts';
import {
  isRunning,
  isUnfinished,
  readRollout,
  saveRollout,
  type Phase,
  type Rollout,
} from '../../mesh-client/canary/state.ts';
import { describeCriteria, formatSummary, planOf } from '../../mesh-client/canary/describe.ts';
import { createRolloutView } from './view.ts';
import { defineCommand, UsageError } from '../arguments.ts';

const EXIT: Record<Phase, number> = {
  promoted: 0,
  'rolled-back': 1,
  aborted: 0,
  interrupted: 3,
  halted: 3,
  progressing: 3,
};

/** Local mode's Prometheus scrapes every second: a window holds two scrapes from 3 s. */
const MIN_PROMETHEUS_WINDOW_SECONDS = 3;

export const command = defineCommand({
  usage: CANARY_USAGE,
  options: CANARY_OPTIONS,
  positionals: true,
  run: ({ values, positionals }) => {
    const home = quizmeshHome();
    const [first, second] = positionals;
    if (positionals.length > 2 || (positionals.length === 2 && !isAction(first))) {
      throw new UsageError(`unexpected argument '${positionals.at(-1) ?? ''}'`);
    }
    switch (first) {
      case 'status':
        return runStatus(home, second, values.json);
      case 'resume':
      case 'abort':
        if (second === undefined)
          throw new UsageError(`give the service: quizmesh canary ${first} quiz`);
        return first === 'resume' ? resume(home, second) : abort(home, second);
    }
    return start(home, parseCanaryOptions(first, values));
  },
});

const isAction = (word: string | undefined): boolean =>
  word === 'status' || word === 'resume' || word === 'abort';

async function start(home: string, options: CanaryOptions): Promise<number> {
  const kept = keptRollout(home, options.service);
  if (kept !== undefined) return refuse(kept);
  const local = localMode(home);
  const configDir = options.configDir ?? local?.meshConfigDir ?? 'mesh-config';
  if (
    !options.cluster &&
    local?.meshConfigDir !== undefined &&
    !sameDir(configDir, local.meshConfigDir)
  ) {
    return refuse(
      `local mode applies ${local.meshConfigDir}, not ${configDir}: routes written there would change nothing (drop --config)`,
    );
  }
  const target = options.cluster
    ? await clusterTarget({
        namespace: options.namespace,
        ...(options.context !== undefined && { context: options.context }),
      })
    : localTarget(configDir, home);
  const draft = draftRollout(options, configDir);
  if (options.dryRun) return dryRun(draft, target);
  const plan = planOf(draft);
  for (const route of [stageRoute(plan, firstStage(plan)), finalRoute(plan, plan.to)]) {
    const why = await target.refusal(route);
    if (why !== undefined) return refuse(`cannot route ${describeRouteRequest(route)}: ${why}`);
  }

  const metrics = await metricsSource(home, local, options);
  if (metrics === undefined) {
    return refuse(
      'no figures to check the canary with: local mode is not running (npm start) and no --prometheus URL was given',
    );
  }
  const rollout: Rollout = {
    ...draft,
    stage: firstStage(plan),
    metrics: { kind: metrics.kind, url: metrics.url },
  };
  return drive(home, rollout, target, metrics);
}

/** Why a rollout of `service` kept in `home` stands in the way of a new one, if it does. */
function keptRollout(home: string, service: string): string | undefined {
  const existing = readRollout(home, service);
  if (existing.kind === 'invalid') return `${existing.message}; remove it to start afresh`;
  if (existing.kind !== 'found') return undefined;
  const { rollout } = existing;
  if (isRunning(rollout)) return `a rollout of ${service} is running (pid ${String(rollout.pid)})`;
  if (!isUnfinished(rollout.phase)) return undefined;
  return (
    `an unfinished rollout of ${service} (${rollout.plan.from} → ${rollout.plan.to}) is kept in ${home}/canary: ` +
    `quizmesh canary resume ${service}, or quizmesh canary abort ${service}`
  );
}

/** The rollout `options` ask for, before its first step and its figures' source are known. */
function draftRollout(options: CanaryOptions, configDir: string): Omit<Rollout, 'metrics'> {
  const now = new Date().toISOString();
  return {
    service: options.service,
    plan: {
      from: options.from,
      to: options.to,
      step: options.step,
      maxWeight: options.maxWeight,
      threshold: options.threshold,
      minSuccessRate: options.minSuccessRate,
      maxP99Ms: options.maxP99Ms,
      intervalSeconds: options.intervalSeconds,
      ...(options.header && { header: options.header }),
    },
    target: options.cluster
      ? {
          kind: 'cluster',
          namespace: options.namespace,
          ...(options.context !== undefined && { context: options.context }),
        }
      : { kind: 'local', configDir },
    phase: 'progressing',
    stage: { kind: 'weight', weight: 0 },
    failedChecks: 0,
    checks: [],
    pid: process.pid,
    startedAt: now,
    updatedAt: now,
    message: 'starting',
  };
}

async function metricsSource(
  home: string,
  local: RuntimeState | undefined,
  options: CanaryOptions,
): Promise<CanaryMetrics | undefined> {
  const versions = [options.from, options.to];
  if (options.prometheus !== undefined) {
    return prometheusMetrics(options.prometheus, options.service, versions, options.namespace);
  }
  const mesh = await findLocalMesh(home);
  if (mesh === undefined) return undefined;
  const prometheusUrl = local?.prometheusUrl;
  // rate() needs two scrapes in its window; shorter intervals are read from the mesh directly.
  return prometheusUrl === undefined || options.intervalSeconds < MIN_PROMETHEUS_WINDOW_SECONDS
    ? localMeshMetrics(mesh.statsUrl, options.service)
    : prometheusMetrics(prometheusUrl, options.service, versions, options.namespace);
}

/** What local mode wrote down about itself, if it ever ran from this home. */
function localMode(home: string): RuntimeState | undefined {
  try {
    return readRuntimeState(home);
  } catch {
    return undefined;
  }
}

const sameDir = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
};

/** Runs the loop with Ctrl-C (and SIGTERM) stopping it between steps, and says how it ended. */
async function drive(
  home: string,
  rollout: Rollout,
  target: RouteTarget,
  metrics: CanaryMetrics,
): Promise<number> {
  const view = createRolloutView(process.stdout);
  const interrupt = new AbortController();
  const stop = () => {
    process.stdout.write('\nstopping after the current step…\n');
    interrupt.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  view.started(rollout, target.where, describeSource(metrics));
  try {
    const ended = await runRollout(rollout, {
      target,
      metrics,
      view,
      save: (r) => {
        saveRollout(home, r);
      },
      signal: interrupt.signal,
    });
    view.finished(ended);
    return EXIT[ended.phase];
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const describeSource = (metrics: CanaryMetrics): string =>
  metrics.kind === 'prometheus' ? `Prometheus ${metrics.url}` : `local mesh stats ${metrics.url}`;

async function dryRun(draft: Omit<Rollout, 'metrics'>, target: RouteTarget): Promise<number> {
  const plan = planOf(draft);
  const out: string[] = [
    `dry run of canary ${describeCriteria(draft)}`,
    `routes: ${target.where}; nothing is changed`,
    '',
  ];
  let n = 1;
  for (const stage of stagesOf(plan)) {
    const route = stageRoute(plan, stage);
    out.push(
      `step ${String(n++)}: ${describeStage(plan, stage)} (${describeRouteRequest(route)})`,
      await target.preview(route),
      '',
    );
  }
  for (const [what, version] of [
    ['promotion', plan.to],
    ['rollback', plan.from],
  ] as const) {
    const route = finalRoute(plan, version);
    out.push(`${what}: ${describeRouteRequest(route)}`, await target.preview(route), '');
  }
  process.stdout.write(out.join('\n'));
  return 0;
}

async function resume(home: string, service: string): Promise<number> {
  const found = readRollout(home, service);
  if (found.kind !== 'found')
    return refuse(found.kind === 'none' ? `no rollout of ${service} to resume` : found.message);
  const rollout = found.rollout;
  if (isRunning(rollout))
    return refuse(`the rollout of ${service} is running (pid ${String(rollout.pid)})`);
  if (!isUnfinished(rollout.phase)) {
    return refuse(`the rollout of ${service} has ended (${rollout.phase}); start a new one`);
  }
  const target = await targetOf(home, rollout);
  let metrics: CanaryMetrics | undefined;
  const versions = [rollout.plan.from, rollout.plan.to];
  if (rollout.metrics.kind === 'prometheus') {
    const namespace = rollout.target.kind === 'cluster' ? rollout.target.namespace : undefined;
    metrics = prometheusMetrics(rollout.metrics.url, service, versions, namespace);
  } else {
    // Local mode may have been restarted on other ports since.
    const mesh = await findLocalMesh(home);
    metrics = mesh && localMeshMetrics(mesh.statsUrl, service);
  }
  if (metrics === undefined)
    return refuse('local mode is not running: start it (npm start) to resume');
  return drive(
    home,
    { ...rollout, metrics: { kind: metrics.kind, url: metrics.url } },
    target,
    metrics,
  );
}

async function abort(home: string, service: string): Promise<number> {
  const found = readRollout(home, service);
  if (found.kind !== 'found')
    return refuse(found.kind === 'none' ? `no rollout of ${service} to abort` : found.message);
  const rollout = found.rollout;
  if (isRunning(rollout)) {
    return refuse(
      `the rollout of ${service} is running (pid ${String(rollout.pid)}): stop it with Ctrl-C first`,
    );
  }
  if (!isUnfinished(rollout.phase)) {
    return refuse(`the rollout of ${service} has ended (${rollout.phase}); nothing to abort`);
  }
  const route = finalRoute(planOf(rollout), rollout.plan.from);
  const applied = await (await targetOf(home, rollout)).apply(route);
  if (!applied.ok)
    return refuse(`could not apply ${describeRouteRequest(route)}: ${applied.message}`);
  const ended: Rollout = {
    ...rollout,
    phase: 'aborted',
    updatedAt: new Date().toISOString(),
    message: `aborted; route in force: ${describeRouteRequest(route)} (${applied.note})`,
  };
  saveRollout(home, ended);
  process.stdout.write(`${formatSummary(ended)}\n`);
  return 0;
}

async function targetOf(home: string, rollout: Rollout): Promise<RouteTarget> {
  const t = rollout.target;
  return t.kind === 'local'
    ? localTarget(t.configDir, home)
    : clusterTarget({
        namespace: t.namespace,
        ...(t.context !== undefined && { context: t.context }),
      });
}

function refuse(message: string): number {
  process.stderr.write(`quizmesh canary: ${message}\n`);
  return 2;
}
