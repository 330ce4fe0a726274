// Traces: the latest ones from the trace store, filtered, and one trace as a waterfall whose rows
// open onto their span's tags. Every value is shown as text, whatever it holds.
import { getJson } from './api.js';
import { h } from './dom.js';
import { micros, started } from './format.js';

/** The trace whose waterfall is shown, so that a refresh does not redraw it. */
let shownTraceId;

/** Filters refresh the list at once. */
export function initTraces(refresh) {
  const form = document.getElementById('trace-filters');
  form.addEventListener('change', refresh);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    refresh();
  });
}

/** `route`: what follows `#traces/` in the address, a trace id or nothing. */
export async function refreshTraces(route) {
  const traceId = route || undefined;
  await Promise.all([refreshList(), traceId === shownTraceId ? undefined : showTrace(traceId)]);
}

async function refreshList() {
  const form = document.getElementById('trace-filters');
  const fields = new FormData(form);
  const query = new URLSearchParams();
  for (const name of ['service', 'minDurationMs', 'limit']) {
    const value = String(fields.get(name) ?? '').trim();
    if (value !== '') query.set(name, value);
  }
  for (const name of ['errors', 'nPlusOne']) if (fields.get(name) !== null) query.set(name, 'true');
  const data = await getJson(`/api/traces?${query.toString()}`);
  fillServices(form.elements.namedItem('service'), data.services);
  const rows = data.traces.map(traceRow);
  document
    .querySelector('#trace-list tbody')
    .replaceChildren(
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

function fillServices(select, services) {
  const have = [...select.options].map((option) => option.value);
  for (const service of services) {
    if (!have.includes(service))
      select.append(h('option', { attrs: { value: service }, text: service }));
  }
}

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
          if (event.target.closest('a') === null) window.location.hash = link;
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

async function showTrace(traceId) {
  shownTraceId = traceId;
  const panel = document.getElementById('waterfall');
  if (traceId === undefined) {
    panel.hidden = true;
    panel.replaceChildren();
    return;
  }
  panel.hidden = false;
  panel.replaceChildren(h('p', { className: 'hint', text: `Loading trace ${traceId}…` }));
  try {
    const data = await getJson(`/api/traces/${encodeURIComponent(traceId)}`);
    if (shownTraceId === traceId) panel.replaceChildren(...waterfall(data));
  } catch (error) {
    shownTraceId = undefined; // try again on the next refresh
    panel.replaceChildren(
      h('p', { className: 'warning', text: error.message }),
      h('a', { attrs: { href: '#traces' }, text: 'close' }),
    );
  }
}

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
  if (row.offset !== undefined) {
    bar.style.left = `${(row.offset * 100).toFixed(3)}%`;
    bar.style.width = `max(2px, ${(row.width * 100).toFixed(3)}%)`;
  }
  const details = h('div', { className: 'details', attrs: { hidden: true } }, tagTable(row));
  const line = h(
    'div',
    {
      className: classes.join(' ').replace(/\s+/g, ' ').trim(),
      attrs: { role: 'button', tabindex: 0, 'aria-expanded': 'false' },
      dataset: { spanId: row.spanId },
      on: {
        click: () => toggle(line, details),
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

function toggle(line, details) {
  details.hidden = !details.hidden;
  line.setAttribute('aria-expanded', String(!details.hidden));
}

function tagTable(row) {
  const facts = [
    ['span id', row.spanId],
    ['parent id', row.parentId ?? '–'],
    ['kind', row.kind ?? '–'],
    ['duration', micros(row.durationMicros)],
    ...(row.orphan ? [['note', 'its parent never arrived']] : []),
  ];
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
