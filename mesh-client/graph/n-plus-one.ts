// N+1 calls found in traces (a caller calling the same downstream app 10 times or more for one
// request), put on the graph's edges. The trace analysis finds them (mesh-client/traces/n-plus-one.ts);
// the graph only shows them, from the same findings.
import type { NPlusOneFinding } from '../traces/n-plus-one.ts';
import {
  emptyEdge,
  sortedGraph,
  workloadNode,
  type GraphEdge,
  type GraphNode,
  type ServiceGraph,
} from './service-graph.ts';

/** What the graph reads of a finding: who called what, how many times. */
export type EdgeFinding = Pick<
  NPlusOneFinding,
  'caller' | 'callerVersion' | 'downstream' | 'callCount'
>;

/**
 * The graph with each finding on the edges from its caller to its downstream app (the largest
 * count, when several findings name one edge). A caller without a version stands for every
 * version of it in the graph. A finding whose edge is not in the graph (no calls in the window, or
 * the counters are gone) adds it, idle, so that what the traces showed is never dropped.
 */
export function markNPlusOne(graph: ServiceGraph, findings: readonly EdgeFinding[]): ServiceGraph {
  if (findings.length === 0) return graph;
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edges = graph.edges.map((edge) => ({ ...edge }));
  for (const finding of findings) {
    const sources = callerNodes(nodes, finding);
    const targets = edges.filter(
      (edge) =>
        sources.some((source) => source.id === edge.source) &&
        nodes.get(edge.destination)?.app === finding.downstream,
    );
    if (targets.length === 0) {
      for (const source of sources) targets.push(addEdge(nodes, edges, source, finding.downstream));
    }
    for (const edge of targets) {
      edge.nPlusOne = { calls: Math.max(edge.nPlusOne?.calls ?? 0, finding.callCount) };
    }
  }
  return sortedGraph(graph.windowSeconds, [...nodes.values()], edges);
}

/** The caller's node; without a version, every version of the app the graph has (or the app). */
function callerNodes(nodes: ReadonlyMap<string, GraphNode>, finding: EdgeFinding): GraphNode[] {
  if (finding.callerVersion !== undefined) {
    return [workloadNode(finding.caller, finding.callerVersion)];
  }
  const versions = [...nodes.values()].filter(
    (node) => node.kind === 'workload' && node.app === finding.caller,
  );
  return versions.length > 0 ? versions : [workloadNode(finding.caller, undefined)];
}

function addEdge(
  nodes: Map<string, GraphNode>,
  edges: GraphEdge[],
  source: GraphNode,
  app: string,
): GraphEdge {
  // The versions of the app the caller reached are not known: the app's only node, if it has one.
  const versions = [...nodes.values()].filter((n) => n.kind === 'workload' && n.app === app);
  const destination =
    versions.length === 1 && versions[0] ? versions[0] : workloadNode(app, undefined);
  nodes.set(source.id, nodes.get(source.id) ?? source);
  nodes.set(destination.id, destination);
  const edge = emptyEdge(source.id, destination.id);
  edges.push(edge);
  return edge;
}
