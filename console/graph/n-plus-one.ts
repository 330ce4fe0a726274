// N+1 calls found in traces (a caller calling the same downstream app 10 times or more for one
// request), put on the graph's edges. The trace analysis finds them; the graph only shows them.
import {
  emptyEdge,
  sortedGraph,
  workloadNode,
  type GraphEdge,
  type GraphNode,
  type ServiceGraph,
} from './service-graph.ts';

export interface NPlusOneFinding {
  source: { app: string; version: string };
  /** The downstream app; every version of it the caller reached is marked. */
  destination: string;
  /** Calls to it under one caller span. */
  calls: number;
}

/**
 * The graph with each finding on the edges from its caller to its downstream app (the largest
 * count, when several findings name one edge). A finding whose edge is not in the graph (no calls
 * in the window, or the counters are gone) adds it, idle, so that what the traces showed is never
 * dropped.
 */
export function markNPlusOne(
  graph: ServiceGraph,
  findings: readonly NPlusOneFinding[],
): ServiceGraph {
  if (findings.length === 0) return graph;
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edges = graph.edges.map((edge) => ({ ...edge }));
  for (const finding of findings) {
    const source = workloadNode(finding.source.app, finding.source.version);
    const targets = edges.filter(
      (edge) =>
        edge.source === source.id && nodes.get(edge.destination)?.app === finding.destination,
    );
    if (targets.length === 0) targets.push(addEdge(nodes, edges, source, finding.destination));
    for (const edge of targets) {
      edge.nPlusOne = { calls: Math.max(edge.nPlusOne?.calls ?? 0, finding.calls) };
    }
  }
  return sortedGraph(graph.windowSeconds, [...nodes.values()], edges);
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
