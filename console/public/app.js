// The console's page: four views behind tabs (the address says which: #graph, #red, #traces,
// #traces/<trace id>, #canary), the one in sight refreshing itself every couple of seconds while
// "live" is on and the tab is visible.
import { refreshCanary } from './canary.js';
import { refreshGraph } from './graph.js';
import { refreshRed } from './red.js';
import { initTraces, refreshTraces } from './traces.js';
import { time } from './format.js';

const VIEWS = {
  graph: { refresh: refreshGraph, everyMs: 2_000 },
  red: { refresh: refreshRed, everyMs: 2_000 },
  traces: { refresh: refreshTraces, everyMs: 5_000 },
  canary: { refresh: refreshCanary, everyMs: 2_000 },
};

let timer;
let running = false;
/** A refresh asked for while one ran (the view changed, a filter did): run again after it. */
let again = false;

function route() {
  const [name = '', ...rest] = window.location.hash.slice(1).split('/');
  return { name: name in VIEWS ? name : 'graph', rest: rest.join('/') };
}

function show() {
  const { name } = route();
  for (const view of Object.keys(VIEWS)) {
    document.getElementById(`view-${view}`).hidden = view !== name;
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
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
  const status = document.getElementById('status');
  try {
    await VIEWS[name].refresh(rest);
    status.textContent = `updated ${time(new Date())}`;
    status.className = 'status ok';
  } catch (error) {
    status.textContent = error.message;
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
  const live = document.getElementById('live').checked;
  if (live && !document.hidden)
    timer = setTimeout(() => void refresh(), VIEWS[route().name].everyMs);
}

window.addEventListener('hashchange', show);
document.addEventListener('visibilitychange', schedule);
document.getElementById('live').addEventListener('change', () => void refresh());
initTraces(() => void refresh());
show();
