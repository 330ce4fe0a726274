// The service graph as DOT and as SVG laid out by Graphviz: boxes per app, edge labels and styles
// by health and N+1, stable text, and names from metric labels kept as text however hostile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoted, toDot } from '../../../../mesh-client/graph/dot.ts';
import { renderSvg } from '../../../../mesh-client/graph/render-svg.ts';
import {
  buildServiceGraph,
  type RequestRate,
} from '../../../../mesh-client/graph/service-graph.ts';
import { sourceCallLabels } from '../../../support/istio-call-labels.ts';

/** istio_requests_total rates between `app version` workloads; `gateway` is the ingress. */
function rates(
  ...calls: [from: string, to: string, code: string, perSecond: number][]
): RequestRate[] {
  return calls.map(([from, to, code, perSecond]) => ({
    labels: sourceCallLabels(from, to, code),
    perSecond,
  }));
}

const QUIZ_GRAPH = buildServiceGraph(
  rates(
    ['gateway', 'frontend v1', '200', 24],
    ['frontend v1', 'quiz v1', '200', 8],
    ['frontend v1', 'quiz v1', '504', 2],
    ['frontend v1', 'quiz v2', '200', 0],
    ['frontend v1', 'images v1', '200', 30],
    ['quiz v1', 'descriptions v1', '200', 400],
    ['quiz v1', 'scores v1', '200', 0.5],
  ),
  5,
);

/** The line of the DOT edge statement from `source` to `destination` node ids. */
function edgeStatement(dot: string, source: string, destination: string): string {
  const line = dot.split('\n').find((l) => l.startsWith(`  "${source}" -> "${destination}" [`));
  assert.ok(line, `no edge ${source} -> ${destination} in\n${dot}`);
  return line;
}

describe('the service graph as DOT', () => {
  it('gives exactly this text for one call between two workloads', () => {
    const dot = toDot(buildServiceGraph(rates(['frontend v1', 'quiz v3', '200', 1.5]), 5));
    assert.equal(
      dot,
      `digraph "service graph" {
  graph [rankdir="LR", fontname="Helvetica,Arial,sans-serif", fontsize="10", labelloc="b", labeljust="l", nodesep="0.4", ranksep="1.1", label="istio_requests_total (reporter=\\"source\\") over 5.0 s"];
  node [fontname="Helvetica,Arial,sans-serif", fontsize="10", color="#6a6e73", fontcolor="#151515"];
  edge [fontname="Helvetica,Arial,sans-serif", fontsize="9", arrowsize="0.7"];
  subgraph "cluster_app:frontend" {
    graph [style="rounded", color="#8a8d90", fontcolor="#151515", labelloc="t", id="app:frontend", label="frontend"];
    "workload:frontend:v1" [id="workload:frontend:v1", class="workload", label="v1", shape="ellipse"];
  }
  subgraph "cluster_app:quiz" {
    graph [style="rounded", color="#8a8d90", fontcolor="#151515", labelloc="t", id="app:quiz", label="quiz"];
    "workload:quiz:v3" [id="workload:quiz:v3", class="workload", label="v3", shape="ellipse"];
  }
  "workload:frontend:v1" -> "workload:quiz:v3" [id="workload:frontend:v1->workload:quiz:v3", color="#3e8635", fontcolor="#151515", class="healthy", label="1.50 rps\\n0% 5xx"];
}
`,
    );
  });

  it('puts every version of an app in one box, and the gateway outside any', () => {
    const dot = toDot(QUIZ_GRAPH);
    const quizBox =
      /\n {2}subgraph "cluster_app:quiz" \{\n(( {4}.*\n)+) {2}\}\n/.exec(dot)?.[1] ?? '';
    assert.deepEqual(
      [...quizBox.matchAll(/^ {4}"([^"]+)" \[/gm)].map((m) => m[1]),
      ['workload:quiz:v1', 'workload:quiz:v2'],
    );
    assert.match(
      dot,
      /\n {2}"gateway:istio-ingressgateway" \[.*label="istio-ingressgateway", shape="invhouse"\];\n/,
    );
  });

  it('labels an edge with its requests per second and 5xx share, and draws it red when failing', () => {
    const dot = toDot(QUIZ_GRAPH);
    const failing = edgeStatement(dot, 'workload:frontend:v1', 'workload:quiz:v1');
    assert.match(failing, /color="#c9190b", fontcolor="#c9190b", penwidth="2", class="failing"/);
    assert.match(failing, /label="10\.0 rps\\n20\.0% 5xx"/);
    const healthy = edgeStatement(dot, 'workload:quiz:v1', 'workload:descriptions:v1');
    assert.match(healthy, /color="#3e8635".*class="healthy", label="400 rps\\n0% 5xx"/);
    assert.match(
      edgeStatement(dot, 'workload:quiz:v1', 'workload:scores:v1'),
      /label="0\.50 rps\\n0% 5xx"/,
    );
  });

  it('draws an idle edge dashed and grey, labelled idle', () => {
    const idle = edgeStatement(toDot(QUIZ_GRAPH), 'workload:frontend:v1', 'workload:quiz:v2');
    assert.match(
      idle,
      /color="#b8bbbe", fontcolor="#8a8d90", style="dashed", class="idle", label="idle"/,
    );
  });

  it('adds an N+1 line, a class and a second stroke to the edge a trace flagged', () => {
    const dot = toDot(QUIZ_GRAPH, {
      nPlusOne: [
        { caller: 'quiz', callerVersion: 'v1', downstream: 'descriptions', callCount: 25 },
      ],
    });
    assert.match(
      edgeStatement(dot, 'workload:quiz:v1', 'workload:descriptions:v1'),
      /color="#3e8635:#5752d1", .*penwidth="2\.5", class="healthy n-plus-one", label="400 rps\\n0% 5xx\\nN\+1 ×25"/,
    );
    assert.equal(dot.match(/n-plus-one/g)?.length, 1);
  });

  it('says so when the mesh saw no calls', () => {
    assert.match(toDot(buildServiceGraph([], 5)), /label="no calls seen by the mesh yet; /);
  });

  it('gives the same text whatever order the rates came in', () => {
    const calls = rates(
      ['frontend v1', 'quiz v3', '200', 1],
      ['frontend v1', 'quiz v1', '503', 1],
      ['gateway', 'frontend v1', '200', 2],
      ['quiz v3', 'scores v1', '200', 1],
    );
    assert.equal(
      toDot(buildServiceGraph([...calls].reverse(), 5)),
      toDot(buildServiceGraph(calls, 5)),
    );
  });

  it('quotes a string so that it stays itself: quotes, backslashes, entities and line breaks escaped', () => {
    assert.equal(quoted('plain'), '"plain"');
    assert.equal(quoted('say "hi"'), '"say \\"hi\\""');
    assert.equal(quoted('\\N\\G\\n'), '"\\\\N\\\\G\\\\n"');
    assert.equal(quoted('a&lt;b'), '"a&amp;lt;b"');
    assert.equal(quoted('two\nlines\r\n'), '"two\\nlines\\n"');
    assert.equal(quoted('nul\u0000bell\u0007tab\t'), '"nul bell tab "');
    assert.equal(quoted('<b>html?</b>'), '"<b>html?</b>"');
    assert.equal(quoted('lone \ud800'), '"lone \ufffd"');
  });
});

/** The elements, attribute names and text of an SVG document, refusing anything not markup. */
function markupOf(svg: string): {
  elements: Set<string>;
  attributes: Set<string>;
  texts: string[];
} {
  const body = svg
    .replace(/^<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const elements = new Set<string>();
  const attributes = new Set<string>();
  const tag = /<\/?([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<>]*")*)\s*\/?>/g;
  const rest = body.replace(tag, (_, name: string, attrs: string) => {
    elements.add(name);
    for (const [, attribute = ''] of attrs.matchAll(/([\w:.-]+)="/g)) attributes.add(attribute);
    return '';
  });
  assert.doesNotMatch(rest, /[<>]/, 'markup outside well-formed tags');
  const texts = [...body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text = '']) =>
    text.replace(/&(lt|gt|quot|amp|#(\d+));/g, (_, name: string, code?: string) =>
      code !== undefined
        ? String.fromCharCode(Number(code))
        : ({ lt: '<', gt: '>', quot: '"', amp: '&' }[name] ?? ''),
    ),
  );
  return { elements, attributes, texts };
}

describe('the service graph as SVG', () => {
  it('lays out the five apps, each in its box, with the versions that took calls', async () => {
    const graph = buildServiceGraph(
      rates(
        ['gateway', 'frontend v1', '200', 10],
        ['frontend v1', 'quiz v1', '200', 5],
        ['frontend v1', 'quiz v3', '200', 5],
        ['frontend v1', 'images v1', '200', 20],
        ['quiz v1', 'descriptions v1', '200', 250],
        ['quiz v3', 'descriptions v1', '200', 5],
        ['quiz v3', 'scores v1', '200', 5],
      ),
      5,
    );
    const svg = await renderSvg(toDot(graph));
    assert.match(svg, /<svg width="\d+pt" height="\d+pt"/);
    const { texts } = markupOf(svg);
    for (const app of [
      'frontend',
      'quiz',
      'images',
      'descriptions',
      'scores',
      'istio-ingressgateway',
    ]) {
      assert.ok(texts.includes(app), `${app} in ${JSON.stringify(texts)}`);
    }
    for (const app of ['frontend', 'quiz', 'images', 'descriptions', 'scores']) {
      assert.match(svg, new RegExp(`<g id="app:${app}" class="cluster">`));
    }
    assert.match(svg, /<g id="workload:quiz:v3" class="node workload">/);
    assert.match(
      svg,
      /<g id="workload:quiz:v1&#45;&gt;workload:descriptions:v1" class="edge healthy">/,
    );
    assert.ok(texts.includes('250 rps'));
  });

  it('keeps hostile names from metric labels as text: no element, no attribute, the exact characters', async () => {
    const app = '<img src=x onerror=alert(1)>"';
    const version = 'v1" onload="alert(2)\\N&lt;';
    const hostile = buildServiceGraph(
      rates(['gateway', 'x v1', '200', 1]).map((call) => ({
        ...call,
        labels: { ...call.labels, destination_app: app, destination_version: version },
      })),
      5,
    );
    const svg = await renderSvg(toDot(hostile));
    const { elements, attributes, texts } = markupOf(svg);
    assert.deepEqual(
      [...elements].filter(
        (e) => !['svg', 'g', 'title', 'text', 'path', 'polygon', 'ellipse'].includes(e),
      ),
      [],
    );
    assert.deepEqual(
      [...attributes].filter((a) => /^on/i.test(a)),
      [],
    );
    assert.ok(texts.includes(app), JSON.stringify(texts));
    assert.ok(texts.includes(version), JSON.stringify(texts));
  });

  it('fails with Graphviz’s own message on DOT that does not parse', async () => {
    await assert.rejects(renderSvg('digraph { a -> }'), /syntax error in line 1/);
  });
});
