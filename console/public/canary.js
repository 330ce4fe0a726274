// @ts-check
// Canary: the rollouts `quizmesh canary` keeps (stages, checks, verdicts), and the routes the mesh
// has in force (routes.js).
import { getRollouts, getRoutes } from './api.js';
import { byId, h } from './dom.js';
import { time } from './format.js';
import { renderRoutes } from './routes.js';
/** @import { RolloutsView, RolloutView } from '../server/rollouts.ts' */

export async function refreshCanary() {
  const [rollouts, routes] = await Promise.all([getRollouts(), getRoutes()]);
  renderRollouts(rollouts);
  renderRoutes(routes);
}

/** @param {RolloutsView} view */
function renderRollouts({ rollouts, invalid }) {
  const root = byId('rollouts', HTMLElement);
  const items = [
    ...rollouts.map(rolloutCard),
    ...invalid.map((bad) =>
      h('p', { className: 'warning', text: `${bad.service}: ${bad.message}` }),
    ),
  ];
  root.replaceChildren(
    ...(items.length > 0
      ? items
      : [
          h(
            'p',
            { className: 'empty' },
            'No rollout yet. Start one from a terminal: ',
            h('code', { text: 'npx quizmesh canary quiz --from v1 --to v3' }),
          ),
        ]),
  );
}

/** @param {RolloutView} rollout */
function rolloutCard(rollout) {
  const phase =
    rollout.phase === 'progressing' && !rollout.running
      ? 'progressing, its process is gone'
      : rollout.phase;
  return h(
    'article',
    { className: `rollout panel phase-${rollout.phase}`, dataset: { service: rollout.service } },
    h(
      'header',
      {},
      h('h4', { text: `${rollout.service}: ${rollout.from} → ${rollout.to}` }),
      h('span', { className: `badge phase ${rollout.phase}`, text: phase }),
    ),
    h('p', { className: 'hint', text: rollout.criteria }),
    h(
      'ol',
      { className: 'stages' },
      rollout.stages.map((stage) => h('li', { className: stage.state, text: stage.label })),
    ),
    h('p', {
      className: 'hint',
      text: `at ${rollout.stage} · ${rollout.failedChecks}/${rollout.threshold} failed checks · started ${time(new Date(rollout.startedAt))} · updated ${time(new Date(rollout.updatedAt))}`,
    }),
    rollout.checks.length > 0 ? checksTable(rollout) : null,
    rollout.message ? h('pre', { className: 'message', text: rollout.message }) : null,
  );
}

/** @param {RolloutView} rollout */
function checksTable(rollout) {
  /** @param {RolloutView['checks'][number]['figures'][string] | undefined} f */
  const figures = (f) =>
    f === undefined || f.requests <= 0
      ? 'no requests'
      : `${Number.isInteger(f.requests) ? f.requests : f.requests.toFixed(1)} req · ${f.successRate === null ? '–' : `${f.successRate.toFixed(1)}%`} ok · p99 ${f.p99Ms === null ? '–' : `${Math.round(f.p99Ms)} ms`}`;
  return h(
    'table',
    { className: 'checks' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['#', 'at', 'stage', rollout.to, rollout.from, 'verdict', 'decision'].map((label) =>
          h('th', { attrs: { scope: 'col' }, text: label }),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      rollout.checks.map((check, i) =>
        h(
          'tr',
          { className: check.passed ? 'passed' : 'failed', attrs: { title: check.text } },
          h('td', { text: String(i + 1) }),
          h('td', { text: time(new Date(check.at)) }),
          h('td', { text: check.stage }),
          h('td', { text: figures(check.figures[rollout.to]) }),
          h('td', { text: figures(check.figures[rollout.from]) }),
          h(
            'td',
            {},
            h('span', {
              className: `badge ${check.passed ? 'passed' : 'failed'}`,
              text: check.passed ? 'passed' : check.noData ? 'no data' : 'failed',
            }),
            ' ',
            check.summary,
          ),
          h('td', { text: check.decision }),
        ),
      ),
    ),
  );
}
