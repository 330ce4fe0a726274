// The service graph as Graphviz DOT, in the manner of Kiali's versioned-app graph: a box per app
// holding its versions, edges labelled with requests per second and the 5xx share, coloured by
// health. Names and labels come from metric label values, which anyone able to call the mesh can
// influence: every string is quoted and escaped, and the same graph always gives the same text.
import { markNPlusOne, type EdgeFinding } from './n-plus-one.ts';
import {
  idPart,
  type EdgeState,
  type GraphEdge,
  type GraphNode,
  type ServiceGraph,
} from './service-graph.ts';

export interface DotOptions {
  /** N+1 calls found in traces, marked on their edges (see markNPlusOne). */
  nPlusOne?: readonly EdgeFinding[];
}

const FONT = 'Helvetica,Arial,sans-serif';
/** PatternFly's status colours, as Kiali uses them; idle is greyed out. */
const STATE_COLOR: Record<EdgeState, string> = {
  healthy: '#3e8635',
  degraded: '#f0ab00',
  failing: '#c9190b',
  idle: '#b8bbbe',
};
const TEXT_COLOR = '#151515';
const IDLE_TEXT_COLOR = '#8a8d90';
const N_PLUS_ONE_COLOR = '#5752d1';

const GRAPH = {
  rankdir: 'LR',
  fontname: FONT,
  fontsize: '10',
  labelloc: 'b',
  labeljust: 'l',
  nodesep: '0.4',
  ranksep: '1.1',
};
const NODE = { fontname: FONT, fontsize: '10', color: '#6a6e73', fontcolor: TEXT_COLOR };
const EDGE = { fontname: FONT, fontsize: '9', arrowsize: '0.7' };
/** Kiali's app box. */
const APP_BOX = { style: 'rounded', color: '#8a8d90', fontcolor: TEXT_COLOR, labelloc: 't' };

export function toDot(graph: ServiceGraph, options: DotOptions = {}): string {
  const marked = markNPlusOne(graph, options.nPlusOne ?? []);
  const lines = [
    'digraph "service graph" {',
    `  graph ${attributes({ ...GRAPH, label: graphLabel(marked) })};`,
    `  node ${attributes(NODE)};`,
    `  edge ${attributes(EDGE)};`,
    ...nodeLines(marked.nodes),
    ...marked.edges.map(edgeLine),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function graphLabel(graph: ServiceGraph): string {
  const over = `istio_requests_total (reporter="source") over ${graph.windowSeconds.toFixed(1)} s`;
  return graph.edges.length === 0 ? `no calls seen by the mesh yet; ${over}` : over;
}

/** The gateway and unknown on their own; workloads and service nodes in a box per app. */
function nodeLines(nodes: readonly GraphNode[]): string[] {
  const apps = new Map<string, GraphNode[]>();
  const lines: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'workload' || node.kind === 'service') {
      apps.set(node.app, [...(apps.get(node.app) ?? []), node]);
    } else lines.push(`  ${nodeLine(node)}`);
  }
  for (const [app, members] of apps) {
    const id = `app:${idPart(app)}`;
    lines.push(
      `  subgraph ${quoted(`cluster_${id}`)} {`,
      `    graph ${attributes({ ...APP_BOX, id, label: app })};`,
      ...members.map((node) => `    ${nodeLine(node)}`),
      '  }',
    );
  }
  return lines;
}

const nodeLine = (node: GraphNode): string =>
  `${quoted(node.id)} ${attributes(nodeAttributes(node))};`;

function nodeAttributes(node: GraphNode): Record<string, string> {
  const common = { id: node.id, class: node.kind };
  switch (node.kind) {
    case 'workload':
      // The app's box already says which app; a node says which version (or the app, unversioned).
      return { ...common, label: node.version ?? node.app, shape: 'ellipse' };
    case 'gateway':
      return { ...common, label: node.app, shape: 'invhouse' };
    case 'service':
      return { ...common, label: node.app, shape: 'triangle' };
    case 'unknown':
      return { ...common, label: node.app, shape: 'ellipse', style: 'dashed' };
  }
}

function edgeLine(edge: GraphEdge): string {
  const idle = edge.state === 'idle';
  const label = idle
    ? ['idle']
    : [`${formatRate(edge.requestsPerSecond)} rps`, `${formatShare(edge.errorRate ?? 0)} 5xx`];
  const classes: string[] = [edge.state];
  const color = STATE_COLOR[edge.state];
  const attrs: Record<string, string> = {
    id: `${edge.source}->${edge.destination}`,
    color,
    fontcolor: idle ? IDLE_TEXT_COLOR : edge.state === 'failing' ? color : TEXT_COLOR,
  };
  if (idle) attrs.style = 'dashed';
  if (edge.state === 'failing') attrs.penwidth = '2';
  if (edge.nPlusOne !== undefined) {
    label.push(`N+1 ×${edge.nPlusOne.calls}`);
    classes.push('n-plus-one');
    // Two parallel strokes, the health colour and N+1's, so the mark does not hide the health.
    attrs.color = `${color}:${N_PLUS_ONE_COLOR}`;
    attrs.penwidth = '2.5';
  }
  attrs.class = classes.join(' ');
  attrs.label = label.join('\n');
  return `  ${quoted(edge.source)} -> ${quoted(edge.destination)} ${attributes(attrs)};`;
}

const formatRate = (perSecond: number): string =>
  perSecond >= 100
    ? perSecond.toFixed(0)
    : perSecond >= 10
      ? perSecond.toFixed(1)
      : perSecond.toFixed(2);

const formatShare = (share: number): string =>
  share === 0 ? '0%' : `${(share * 100).toFixed(1)}%`;

/** `[a="x", b="y"]`, in the order given. */
function attributes(values: Readonly<Record<string, string>>): string {
  return `[${Object.entries(values)
    .map(([name, value]) => `${name}=${quoted(value)}`)
    .join(', ')}]`;
}

/**
 * A DOT quoted string holding `text` literally, in every Graphviz output. Inside quotes only `"` and
 * `\` are special to the DOT parser, but Graphviz then reads `\n`, `\l`, `\N`, `\G`… in labels as
 * line breaks and substitutions, and `&name;` as entities (which its SVG writer passes through as
 * they are): so `\` is doubled, `&` becomes `&amp;`, and a line break in `text` becomes `\n`.
 * Other control characters become spaces (a NUL would end the string in Graphviz's C code), and a
 * lone surrogate U+FFFD (it has no UTF-8). A quoted string is never an HTML-like label.
 */
export function quoted(text: string): string {
  const escaped = text
    .toWellFormed()
    .replace(/[\\"&]/g, (char) => (char === '&' ? '&amp;' : `\\${char}`))
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex -- control characters are what it removes.
    .replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `"${escaped}"`;
}
