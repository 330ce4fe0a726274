// @ts-check
// Traces: the latest ones from the trace store, filtered, and one trace as a waterfall whose rows
// open onto their span's tags. Every value is shown as text, whatever it holds.
import { getTrace, listTraces, messageOf } from './api.js';
import { byId, find, h } from './dom.js';
import { micros, started } from './format.js';
/** @import { TraceFilter } from './api.js' */
/** @import { ListedTrace, TraceAnswer } from '../server/app.ts' */
/** @import { WaterfallRow } from '../../mesh-client/traces/waterfall.ts' */

/**
 * The trace whose waterfall is shown, so that a refresh does not redraw it.
 * @type {string | undefined}
 */
let shownTraceId;

/** The filters' names are the query's (traceListQuery in app.ts). */
const TEXT_FILTERS = /** @satisfies {TraceFilter[]} */ (['service', 'minDurationMs', 'limit']);
const FLAG_FILTERS = /** @satisfies {TraceFilter[]} */ (['errors', 'nPlusOne']);

/**
 * Filters refresh the list at once.
 * @param {() => void} refresh
 */
export function initTraces(refresh) {
  const form = byId('trace-filters', HTMLFormElement);
  form.addEventListener('change', refresh);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    refresh();
  });
}

/**
 * @param {string} route what follows `#traces/` in the address, a trace id or nothing
 */
export async function refreshTraces(route) {
  const traceId = route || undefined;
  await Promise.all([refreshList(), traceId === shownTraceId ? undefined : showTrace(traceId)]);
}

async function refreshList() {
  const form = byId('trace-filters', HTMLFormElement);
  const fields = new FormData(form);
  /** @type {[TraceFilter, string][]} */
  const filters = [];
  for (const name of TEXT_FILTERS) {
    const value = fields.get(name);
    // The form has no file inputs: every field is text.
    if (typeof value === 'string' && value.trim() !== '') filters.push([name, value.trim()]);
  }
  for (const name of FLAG_FILTERS) if (fields.get(name) !== null) filters.push([name, 'true']);
  const data = await listTraces(filters);
  fillServices(find(form, '[name=service]', HTMLSelectElement), data.services);
  const rows = data.traces.map(traceRow);
  find(document, '#trace-list tbody', HTMLTableSectionElement).replaceChildren(
    ...(rows.length > 0
      ? rows
      : [
          h(
            'tr',
            {},
            h('td', { attrs: { colspan: 6 }, className: 'empty', text: 'No traces match.' }),
          ),
        ]),
  );
}

/**
 * @param {HTMLSelectElement} select
 * @param {readonly string[]} services
 */
function fillServices(select, services) {
  const have = [...select.options].map((option) => option.value);
  for (const service of services) {
    if (!have.includes(service))
      select.append(h('option', { attrs: { value: service }, text: service }));
  }
}

/** @param {ListedTrace} trace */
function traceRow(trace) {
  const link = `#traces/${trace.traceId}`;
  const classes = [trace.error ? 'error' : '', trace.nPlusOne.length > 0 ? 'n-plus-one' : ''];
  return h(
    'tr',
    {
      className: classes.join(' ').trim(),
      dataset: { traceId: trace.traceId },
      on: {
        click: (event) => {
          // The link opens the trace by itself; a click elsewhere on the row does it too.
          if (!(event.target instanceof Element && event.target.closest('a') !== null)) {
            window.location.hash = link;
          }
        },
      },
    },
    h('td', { className: 'when', text: started(trace.startMicros) }),
    h(
      'td',
      {},
      h(
        'a',
        { attrs: { href: link } },
        h('span', { className: 'service', text: trace.entry.service ?? '?' }),
        ' ',
        h('span', { className: 'name', text: trace.entry.name ?? '' }),
      ),
    ),
    h('td', { className: 'num', text: micros(trace.durationMicros) }),
    h('td', { className: 'num', text: String(trace.spanCount) }),
    h(
      'td',
      {},
      trace.services.map((service) => h('span', { className: 'chip', text: service })),
    ),
    h('td', {}, badges(trace)),
  );
}

/** @param {ListedTrace} trace */
function badges(trace) {
  return [
    trace.error ? h('span', { className: 'badge error', text: 'error' }) : null,
    ...trace.nPlusOne.map((finding) =>
      h('span', {
        className: 'badge n-plus-one',
        text: `N+1 ${finding.caller}${finding.callerVersion ? ` ${finding.callerVersion}` : ''} → ${finding.downstream} ×${finding.callCount}`,
      }),
    ),
  ];
}

/** @param {string | undefined} traceId */
async function showTrace(traceId) {
  shownTraceId = traceId;
  const panel = byId('waterfall', HTMLElement);
  if (traceId === undefined) {
    panel.hidden = true;
    panel.replaceChildren();
    return;
  }
  panel.hidden = false;
  panel.replaceChildren(h('p', { className: 'hint', text: `Loading trace ${traceId}…` }));
  try {
    const data = await getTrace(traceId);
    if (shownTraceId === traceId) panel.replaceChildren(...waterfall(data));
  } catch (error) {
    shownTraceId = undefined; // try again on the next refresh
    panel.replaceChildren(
      h('p', { className: 'warning', text: messageOf(error) }),
      h('a', { attrs: { href: '#traces' }, text: 'close' }),
    );
  }
}

/** @param {TraceAnswer} answer */
function waterfall({ summary, waterfall: fall }) {
  const head = h(
    'div',
    { className: 'waterfall-head' },
    h('h3', {}, 'Trace ', h('code', { text: fall.traceId })),
    h(
      'p',
      { className: 'hint' },
      `${summary.entry.service ?? '?'} ${summary.entry.name ?? ''} · started ${started(fall.startMicros)} · ${micros(fall.durationMicros)} · ${summary.spanCount} spans`,
    ),
    h('div', { className: 'badges' }, badges(summary)),
    h('a', { className: 'close', attrs: { href: '#traces' }, text: 'close ✕' }),
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((at) =>
    h('span', { className: 'tick', text: micros(Math.round(fall.durationMicros * at)) }),
  );
  const axis = h(
    'div',
    { className: 'row axis' },
    h('div', { className: 'label', text: 'span' }),
    h('div', { className: 'track ticks' }, ticks),
  );
  return [head, h('div', { className: 'rows' }, axis, fall.rows.flatMap(spanRow))];
}

/** @param {WaterfallRow} row */
function spanRow(row) {
  const classes = [
    'row',
    row.error ? 'error' : '',
    row.nPlusOne ? 'n-plus-one' : '',
    row.sidecar ? 'sidecar' : '',
  ];
  const label = h(
    'div',
    { className: 'label' },
    h('span', { className: 'service', text: row.service ?? '?' }),
    ' ',
    h('span', { className: 'name', text: row.name ?? '' }),
  );
  label.style.paddingLeft = `${0.25 + Math.min(row.depth, 30) * 0.9}em`;
  const bar = h('div', { className: 'bar' });
  if (row.offset !== undefined && row.width !== undefined) {
    bar.style.left = `${(row.offset * 100).toFixed(3)}%`;
    bar.style.width = `max(2px, ${(row.width * 100).toFixed(3)}%)`;
  }
  const details = h('div', { className: 'details', attrs: { hidden: true } }, tagTable(row));
  /** @type {HTMLDivElement} */
  const line = h(
    'div',
    {
      className: classes.join(' ').replace(/\s+/g, ' ').trim(),
      attrs: { role: 'button', tabindex: 0, 'aria-expanded': 'false' },
      dataset: { spanId: row.spanId },
      on: {
        click: () => {
          toggle(line, details);
        },
        keydown: (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            toggle(line, details);
          }
        },
      },
    },
    label,
    h(
      'div',
      { className: 'track' },
      bar,
      h('span', { className: 'duration', text: micros(row.durationMicros) }),
    ),
  );
  return [line, details];
}

/**
 * @param {HTMLElement} line
 * @param {HTMLElement} details
 */
function toggle(line, details) {
  details.hidden = !details.hidden;
  line.setAttribute('aria-expanded', String(!details.hidden));
}

/** @param {WaterfallRow} row */
function tagTable(row) {
  /** @type {[string, string][]} */
  const facts = [
    ['span id', row.spanId],
    ['parent id', row.parentId ?? '–'],
    ['kind', row.kind ?? '–'],
    ['duration', micros(row.durationMicros)],
  ];
  if (row.orphan) facts.push(['note', 'its parent never arrived']);
  const tags = Object.entries(row.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return h(
    'table',
    { className: 'tags' },
    h(
      'tbody',
      {},
      [...facts, ...tags].map(([key, value]) =>
        h('tr', {}, h('th', { attrs: { scope: 'row' }, text: key }), h('td', { text: value })),
      ),
    ),
  );
}
