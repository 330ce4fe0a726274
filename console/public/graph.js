// The service graph: Graphviz's SVG as the server drew it, the window it covers, and the N+1 loops
// recent traces showed, each linking to its latest trace.
import { getJson } from './api.js';
import { h, svgFromText } from './dom.js';

export async function refreshGraph() {
  const data = await getJson('/api/graph');
  const graph = document.getElementById('graph');
  graph.replaceChildren(svgFromText(data.svg));
  graph.dataset.nodes = String(data.graph.nodes.length);

  document.getElementById('graph-window').textContent =
    data.windowSeconds > 0
      ? `Calls over the last ${data.windowSeconds.toFixed(1)} s (istio_requests_total, as calling sidecars report them). N+1 marks from every trace of the last ${data.recentTraces.lookbackMs / 1000} s.`
      : 'Collecting: rates appear after the second scrape of the mesh (2 s).';

  document.getElementById('graph-findings').replaceChildren(...findingsList(data.nPlusOne));
  document
    .getElementById('graph-warnings')
    .replaceChildren(
      ...data.warnings.map((warning) => h('p', { className: 'warning', text: warning })),
    );
}

/** One line per caller, version and downstream: the largest loop, how many traces had one. */
function findingsList(findings) {
  if (findings.length === 0) return [];
  const groups = new Map();
  for (const finding of findings) {
    const key = JSON.stringify([finding.caller, finding.callerVersion ?? '', finding.downstream]);
    const group = groups.get(key) ?? { ...finding, traces: 0 };
    group.traces += 1;
    group.callCount = Math.max(group.callCount, finding.callCount);
    groups.set(key, group);
  }
  return [
    h('h3', { text: 'N+1 calls in recent traces' }),
    h(
      'ul',
      {},
      [...groups.values()].map((group) =>
        h(
          'li',
          { className: 'finding' },
          h('span', { className: 'badge n-plus-one', text: `N+1 ×${group.callCount}` }),
          ` ${group.caller}${group.callerVersion ? ` ${group.callerVersion}` : ''} → ${group.downstream}, in ${group.traces} of the recent traces `,
          h('a', { attrs: { href: `#traces/${group.traceId}` }, text: 'latest trace' }),
        ),
      ),
    ),
  ];
}
