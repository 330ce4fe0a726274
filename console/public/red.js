// @ts-check
// Rate, errors and duration per service and version, as destination sidecars report them.
import { getRed } from './api.js';
import { byId, find, h, sparkline } from './dom.js';
import { ms, rate, share } from './format.js';
/** @import { RedAnswer } from '../server/app.ts' */

export async function refreshRed() {
  const data = await getRed();
  byId('red-window', HTMLElement).textContent =
    data.windowSeconds > 0
      ? `Over the last ${data.windowSeconds.toFixed(1)} s, from istio_requests_total and istio_request_duration_milliseconds (reporter="destination"); p50 and p99 as histogram_quantile() computes them. Under each quiz version, its rounds per group of players (player_charset), from quiz's own metrics.`
      : 'Collecting: figures appear after the second scrape of the mesh (2 s).';
  byId('red-warnings', HTMLElement).replaceChildren(
    ...data.warnings.map((warning) => h('p', { className: 'warning', text: warning })),
  );
  const rows = data.workloads.flatMap((w, i) => {
    const first = i === 0 || data.workloads[i - 1]?.service !== w.service;
    const row = h(
      'tr',
      { className: first ? 'first' : '', dataset: { service: w.service, version: w.version } },
      h('th', { attrs: { scope: 'row' }, text: first ? w.service : '' }),
      h('td', { text: w.version }),
      h('td', { className: 'num', text: rate(w.requestsPerSecond) }),
      h('td', { className: `num ${errorClass(w.errorRate)}`, text: share(w.errorRate) }),
      h('td', { className: 'num', text: ms(w.p50Ms) }),
      h('td', { className: 'num', text: ms(w.p99Ms) }),
      h('td', {}, sparkline(w.history)),
    );
    return [row, ...(w.playerGroups ?? []).map((group) => playerGroupRow(w.version, group))];
  });
  const body = find(document, '#red-table tbody', HTMLTableSectionElement);
  body.replaceChildren(
    ...(rows.length > 0
      ? rows
      : [
          h(
            'tr',
            {},
            h('td', {
              attrs: { colspan: 7 },
              className: 'empty',
              text: 'No calls seen by the mesh yet.',
            }),
          ),
        ]),
  );
}

/**
 * A line under a quiz version for one group of players: its rounds as quiz counts them (Istio's
 * figures cannot tell players apart), so v2's failures show as the `other` group's alone.
 * @param {string} version
 * @param {NonNullable<RedAnswer['workloads'][number]['playerGroups']>[number]} group
 */
function playerGroupRow(version, group) {
  return h(
    'tr',
    { className: 'player-group', dataset: { version, charset: group.charset } },
    h('th', { attrs: { scope: 'row' }, text: '' }),
    h('td', { text: `players ${group.charset}`, attrs: { title: CHARSET_TITLE } }),
    h('td', { className: 'num', text: `${rate(group.roundsPerSecond)} rounds` }),
    h('td', { className: `num ${errorClass(group.errorRate)}`, text: share(group.errorRate) }),
    h('td', { className: 'num', text: '' }),
    h('td', { className: 'num', text: ms(group.p99Ms) }),
    h('td', {}),
  );
}

const CHARSET_TITLE =
  "quiz_rounds_total and quiz_round_duration_seconds by player_charset: the player name's characters (ascii, latin1, other; none without a player)";

/** @param {number | null} errorRate */
function errorClass(errorRate) {
  if (errorRate === null || errorRate === 0) return '';
  return errorRate > 0.1 ? 'failing' : 'degraded';
}
