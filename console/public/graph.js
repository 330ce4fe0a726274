// @ts-check
// The service graph: Graphviz's SVG as the server drew it, the window it covers, and the N+1 loops
// recent traces showed, each linking to its latest trace.
import { getGraph } from './api.js';
import { byId, h, svgFromText } from './dom.js';
/** @import { RecentFinding } from '../../mesh-client/traces/trace-reader.ts' */

export async function refreshGraph() {
  const data = await getGraph();
  const graph = byId('graph', HTMLElement);
  graph.replaceChildren(svgFromText(data.svg));
  graph.dataset.nodes = String(data.graph.nodes.length);

  byId('graph-window', HTMLElement).textContent =
    data.windowSeconds > 0
      ? `Calls over the last ${data.windowSeconds.toFixed(1)} s (istio_requests_total, as calling sidecars report them). N+1 marks from every trace of the last ${data.recentTraces.lookbackMs / 1000} s.`
      : 'Collecting: rates appear after the second scrape of the mesh (2 s).';

  byId('graph-findings', HTMLElement).replaceChildren(...findingsList(data.nPlusOne));
  byId('graph-warnings', HTMLElement).replaceChildren(
    ...data.warnings.map((warning) => h('p', { className: 'warning', text: warning })),
  );
}

/**
 * One line per caller, version and downstream: the largest loop, how many traces had one.
 * @param {readonly RecentFinding[]} findings
 */
function findingsList(findings) {
  if (findings.length === 0) return [];
  /** @type {Map<string, RecentFinding & { traces: number }>} */
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
