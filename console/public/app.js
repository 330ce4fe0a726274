// @ts-check
// The console's page: four views behind tabs (the address says which: #graph, #red, #traces,
// #traces/<trace id>, #canary), the one in sight refreshing itself every couple of seconds while
// "live" is on and the tab is visible.
import { refreshCanary } from './canary.js';
import { refreshGraph } from './graph.js';
import { refreshProcesses } from './processes.js';
import { refreshRed } from './red.js';
import { initTraces, refreshTraces } from './traces.js';
import { messageOf } from './api.js';
import { byId } from './dom.js';
import { time } from './format.js';

/**
 * A view's refresh gets what follows its name in the address (`#traces/<trace id>`).
 * @typedef {{ refresh: (rest: string) => Promise<void>; everyMs: number }} View
 */

const VIEWS = /** @satisfies {Record<string, View>} */ ({
  graph: { refresh: refreshGraph, everyMs: 2_000 },
  red: { refresh: refreshRed, everyMs: 2_000 },
  traces: { refresh: refreshTraces, everyMs: 5_000 },
  canary: { refresh: refreshCanary, everyMs: 2_000 },
});

/** @typedef {keyof typeof VIEWS} ViewName */

/**
 * Own keys only: `#toString` names no view.
 * @param {string} name
 * @returns {name is ViewName}
 */
const isView = (name) => Object.hasOwn(VIEWS, name);

/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
let running = false;
/** A refresh asked for while one ran (the view changed, a filter did): run again after it. */
let again = false;

/** @returns {{ name: ViewName; rest: string }} */
function route() {
  const [name = '', ...rest] = window.location.hash.slice(1).split('/');
  return { name: isView(name) ? name : 'graph', rest: rest.join('/') };
}

function show() {
  const { name } = route();
  for (const view of Object.keys(VIEWS)) {
    byId(`view-${view}`, HTMLElement).hidden = view !== name;
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('data-view') === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  void refresh();
}

async function refresh() {
  clearTimeout(timer);
  if (running) {
    again = true;
    return;
  }
  running = true;
  const { name, rest } = route();
  const status = byId('status', HTMLElement);
  try {
    await Promise.all([VIEWS[name].refresh(rest), refreshProcesses()]);
    status.textContent = `updated ${time(new Date())}`;
    status.className = 'status ok';
  } catch (error) {
    status.textContent = messageOf(error);
    status.className = 'status failed';
  } finally {
    running = false;
    document.body.dataset.refreshed = String(Date.now());
    if (again) {
      again = false;
      void refresh();
    } else schedule();
  }
}

function schedule() {
  clearTimeout(timer);
  const live = byId('live', HTMLInputElement).checked;
  if (live && !document.hidden)
    timer = setTimeout(() => void refresh(), VIEWS[route().name].everyMs);
}

window.addEventListener('hashchange', show);
document.addEventListener('visibilitychange', schedule);
byId('live', HTMLInputElement).addEventListener('change', () => void refresh());
initTraces(() => void refresh());
show();
