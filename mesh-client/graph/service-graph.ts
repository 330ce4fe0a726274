// The mesh's service graph as Kiali's versioned-app graph draws it: a node per workload (app and
// version), the ingress gateway, a service node where a call reached a Service but none of its
// workloads, and `unknown`; an edge per caller and callee with its request rate, 5xx share and
// health. Built from istio_requests_total rates, whether Prometheus' rate() computed them or two
// scrapes of the mesh did (see scrape-rates.ts), so the console and the CLI draw the same graph.

/** One istio_requests_total series (or a sum of some) and its rate over the window. */
export interface RequestRate {
  labels: Readonly<Record<string, string>>;
  perSecond: number;
}

export type NodeKind = 'workload' | 'gateway' | 'service' | 'unknown';

export interface GraphNode {
  /** Unique and stable: `workload:quiz:v1`, `gateway:istio-ingressgateway`, `service:quiz`, `unknown`. */
  id: string;
  kind: NodeKind;
  /** The app label; the Service's name for a service node; `unknown` for the unknown node. */
  app: string;
  /** Only on workloads with a version label. */
  version?: string;
}

/**
 * healthy: no 5xx; degraded: some; failing: more than FAILING_ERROR_RATE; idle: the counters exist
 * but did not move in the window (the edge was used before).
 */
export type EdgeState = 'healthy' | 'degraded' | 'failing' | 'idle';

export interface GraphEdge {
  source: string;
  destination: string;
  requestsPerSecond: number;
  /** Share of the requests answered 5xx, 0 to 1; null when idle. */
  errorRate: number | null;
  /** Requests per second by response code (`0`: the caller hung up before an answer). */
  responseCodes: Record<string, number>;
  state: EdgeState;
  /** A trace showed this caller making `calls` calls to the callee for one request (N+1). */
  nPlusOne?: { calls: number };
}

export interface ServiceGraph {
  windowSeconds: number;
  /** Gateway first, then by app and version, unknown last. */
  nodes: GraphNode[];
  /** By source, then destination, in node order. */
  edges: GraphEdge[];
}

/**
 * Kiali's default tolerance for 5xx (health_config.rate: degraded 0, failure 10): any 5xx makes an
 * edge degraded, more than 10% makes it failing.
 */
export const FAILING_ERROR_RATE = 0.1;

export const INGRESS_GATEWAY_APP = 'istio-ingressgateway';
const UNKNOWN = 'unknown';

/**
 * Which reports to count, so that each call counts once. The source sidecar's (reporter="source")
 * include calls that never reached a workload: no route (404 NR), no healthy upstream (503 UH,
 * destination unknown), an injected fault (FI), the caller hanging up first (0 DC); the
 * destination's miss them. A caller without a sidecar has no source reports at all, so its calls
 * come from the destination's, where the mesh could not name it (source_workload="unknown").
 * A series without a reporter label was already chosen so by the query that produced it.
 */
export function countsOnce(labels: Readonly<Record<string, string>>): boolean {
  const { reporter } = labels;
  return (
    reporter === undefined ||
    reporter === 'source' ||
    (reporter === 'destination' && labels.source_workload === UNKNOWN)
  );
}

export function buildServiceGraph(
  rates: readonly RequestRate[],
  windowSeconds: number,
): ServiceGraph {
  const nodes = new Map<string, GraphNode>();
  // Per edge, requests per second by response code: a Map, as a code is a label value like any other.
  const edges = new Map<
    string,
    { source: string; destination: string; codes: Map<string, number> }
  >();
  for (const { labels, perSecond } of rates) {
    if (!countsOnce(labels)) continue;
    const source = sourceNode(labels);
    const destination = destinationNode(labels);
    nodes.set(source.id, source);
    nodes.set(destination.id, destination);
    const key = JSON.stringify([source.id, destination.id]);
    let edge = edges.get(key);
    if (edge === undefined) {
      edge = { source: source.id, destination: destination.id, codes: new Map() };
      edges.set(key, edge);
    }
    // rate() of a counter is never negative; NaN and Inf only come from a broken input.
    const rate = Number.isFinite(perSecond) && perSecond > 0 ? perSecond : 0;
    const code = labels.response_code ?? '';
    edge.codes.set(code, (edge.codes.get(code) ?? 0) + rate);
  }
  const graphEdges = [...edges.values()].map(({ source, destination, codes }) =>
    withHealth(source, destination, codes),
  );
  return sortedGraph(windowSeconds, [...nodes.values()], graphEdges);
}

export const emptyEdge = (source: string, destination: string): GraphEdge =>
  withHealth(source, destination, new Map());

function withHealth(source: string, destination: string, codes: Map<string, number>): GraphEdge {
  const sorted = [...codes].sort(([a], [b]) => byText(a, b));
  const total = sorted.reduce((sum, [, rate]) => sum + rate, 0);
  const errors = sorted
    .filter(([code]) => /^5\d\d$/.test(code))
    .reduce((sum, [, rate]) => sum + rate, 0);
  const errorRate = total > 0 ? errors / total : null;
  const state: EdgeState =
    errorRate === null
      ? 'idle'
      : errorRate > FAILING_ERROR_RATE
        ? 'failing'
        : errorRate > 0
          ? 'degraded'
          : 'healthy';
  // fromEntries defines own properties: a code such as `__proto__` stays a code.
  return {
    source,
    destination,
    requestsPerSecond: total,
    errorRate,
    responseCodes: Object.fromEntries(sorted),
    state,
  };
}

/** A label's value, unless the mesh could not fill it. */
const known = (value: string | undefined): string | undefined =>
  value === undefined || value === '' || value === UNKNOWN ? undefined : value;

function sourceNode(labels: Readonly<Record<string, string>>): GraphNode {
  const workload = known(labels.source_workload);
  if (workload === undefined) return unknownNode();
  return workloadNode(
    known(labels.source_app) ?? known(labels.source_canonical_service) ?? workload,
    known(labels.source_version),
  );
}

function destinationNode(labels: Readonly<Record<string, string>>): GraphNode {
  const workload = known(labels.destination_workload);
  if (workload !== undefined) {
    return workloadNode(
      known(labels.destination_app) ?? known(labels.destination_canonical_service) ?? workload,
      known(labels.destination_version),
    );
  }
  // The call reached a Service but no workload of it (no healthy upstream, a fault): as Kiali
  // does, the Service stands in for the workload that did not answer.
  const service = known(labels.destination_service_name);
  return service === undefined
    ? unknownNode()
    : { id: nodeId('service', service), kind: 'service', app: service };
}

export function workloadNode(app: string, version: string | undefined): GraphNode {
  if (app === INGRESS_GATEWAY_APP) {
    return { id: nodeId('gateway', app), kind: 'gateway', app };
  }
  return version === undefined
    ? { id: nodeId('workload', app), kind: 'workload', app }
    : { id: nodeId('workload', app, version), kind: 'workload', app, version };
}

const unknownNode = (): GraphNode => ({ id: UNKNOWN, kind: 'unknown', app: UNKNOWN });

/** Label values are encoded so that no app or version can make two nodes share an id. */
const nodeId = (kind: NodeKind, ...parts: string[]): string =>
  [kind, ...parts.map(idPart)].join(':');

/** `text` for an id: percent-encoded (a lone surrogate, which JSON can carry, as U+FFFD). */
export const idPart = (text: string): string => encodeURIComponent(text.toWellFormed());

/** Gateway first, then apps (in an app, its versions before its Service), unknown last. */
const PLACE: Record<NodeKind, number> = { gateway: 0, workload: 1, service: 2, unknown: 3 };
const group = (kind: NodeKind): number => (kind === 'service' ? PLACE.workload : PLACE[kind]);

/** Code-point order, not the locale's: the same graph gives the same text everywhere. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareNodes(a: GraphNode, b: GraphNode): number {
  return (
    group(a.kind) - group(b.kind) ||
    byText(a.app, b.app) ||
    PLACE[a.kind] - PLACE[b.kind] ||
    byText(a.version ?? '', b.version ?? '')
  );
}

export function sortedGraph(
  windowSeconds: number,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): ServiceGraph {
  const sortedNodes = [...nodes].sort(compareNodes);
  const rank = new Map(sortedNodes.map((node, i) => [node.id, i]));
  const position = (id: string): number => rank.get(id) ?? sortedNodes.length;
  return {
    windowSeconds,
    nodes: sortedNodes,
    edges: [...edges].sort(
      (a, b) =>
        position(a.source) - position(b.source) ||
        position(a.destination) - position(b.destination),
    ),
  };
}
