// `quizmesh graph`: the mesh's service graph, as the console draws it, for a terminal or a file.
import { toDot } from '../mesh-client/graph/dot.ts';
import { fetchRequestRates } from '../mesh-client/graph/prometheus-rates.ts';
import { renderSvg } from '../mesh-client/graph/render-svg.ts';
import { serviceGraphFromScrapes } from '../mesh-client/graph/scrape-rates.ts';
import { buildServiceGraph, type ServiceGraph } from '../mesh-client/graph/service-graph.ts';
import { readRuntimeState, runtimeStatePath } from '../local/runtime-state.ts';
import { createTraceReader, type RecentFinding } from '../mesh-client/traces/trace-reader.ts';
import { writeFileAtomically } from '../mesh-client/routes/config-folder.ts';
import { findLocalMesh, quizmeshHome, scrapeTwice } from '../mesh-client/local-mesh.ts';
import { errorMessage } from '../mesh-client/fetch-error.ts';
import { defineCommand, UsageError, windowSeconds } from './arguments.ts';

const USAGE = `Usage: quizmesh graph [--format dot|svg] [--window SECONDS] [--prometheus URL] [--zipkin URL] [--output FILE]

Prints the mesh's service graph, as Kiali's versioned-app graph draws it: a box per app holding a
node per version, the ingress gateway, a triangle for a Service whose workloads a call never
reached, and "unknown" for what the mesh could not name. An edge per caller and callee says the
requests per second and the share answered 5xx: red above 10% (Kiali's failure threshold), orange
for any 5xx, dashed grey when idle (called before, not within the window).

Calls are counted from istio_requests_total as the calling sidecars report them
(reporter="source"), which includes calls that never reached a destination (no route, no healthy
upstream, an injected fault), each once. By default they come from the running local mode's mesh
(/stats/prometheus), scraped twice SECONDS apart; with --prometheus, from one instant query of
sum by (…) (rate(istio_requests_total[SECONDS])) to that Prometheus.

An edge is also marked N+1 (a second stroke and "N+1 ×54") when one of the traces of the
last 20 s shows its caller calling that service 10 times or more for one request, as quiz v1 does
with descriptions. The traces come from --zipkin, or from the running local mode's trace store.

Options:
  --format dot|svg   Graphviz DOT text, or SVG laid out by Graphviz (default: dot)
  --window SECONDS   the window the rates are taken over (default: 5; 60 with --prometheus,
                     which needs at least two scrapes within it)
  --prometheus URL   ask the Prometheus at URL (e.g. http://127.0.0.1:9090) instead
  --zipkin URL       read recent traces for the N+1 marks from the Zipkin at URL
  --output FILE      write the graph to FILE instead of standard output
  -h, --help         show this help

  quizmesh graph --format svg --output graph.svg
  quizmesh graph | dot -Tpng > graph.png

Local mode is found through QUIZMESH_HOME (default .quizmesh).
Exit status: 0 printed, 1 no local mode runs (and no --prometheus), or the metrics could not be
read, or FILE not written, 2 usage error.
`;

const FORMATS = ['dot', 'svg'];

interface Request {
  format: string;
  window: number;
  prometheus: string | undefined;
  zipkin: string | undefined;
  output: string | undefined;
}

export const command = defineCommand({
  usage: USAGE,
  options: {
    format: { type: 'string', default: 'dot' },
    window: { type: 'string' },
    prometheus: { type: 'string' },
    zipkin: { type: 'string' },
    output: { type: 'string' },
  },
  run: ({ values: { format, window, prometheus, zipkin, output } }) => {
    if (!FORMATS.includes(format))
      throw new UsageError(`--format: give dot or svg, not '${format}'`);
    for (const [option, url] of [
      ['--prometheus', prometheus],
      ['--zipkin', zipkin],
    ] as const) {
      if (url !== undefined && !isHttpUrl(url)) {
        throw new UsageError(`${option}: give an http:// or https:// URL, not '${url}'`);
      }
    }
    const seconds = windowSeconds(window ?? (prometheus === undefined ? '5' : '60'));
    return draw({ format, window: seconds, prometheus, zipkin, output });
  },
});

async function draw(request: Request): Promise<number> {
  const graph = await readGraph(request);
  if (typeof graph === 'string') {
    process.stderr.write(`quizmesh graph: ${graph}\n`);
    return 1;
  }
  const dot = toDot(graph, { nPlusOne: await recentLoops(request) });
  const text = request.format === 'svg' ? await renderSvg(dot) : dot;
  if (request.output === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileAtomically(request.output, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    process.stderr.write(`quizmesh graph: cannot write ${request.output}: ${code}\n`);
    return 1;
  }
  process.stderr.write(`wrote ${request.output}\n`);
  return 0;
}

/** N+1 loops in recent traces; none (said on stderr) when the traces cannot be read. */
async function recentLoops(request: Request): Promise<RecentFinding[]> {
  const zipkin = request.zipkin ?? (request.prometheus === undefined ? localZipkin() : undefined);
  if (zipkin === undefined) return [];
  try {
    return await createTraceReader(zipkin).recentNPlusOne();
  } catch (error) {
    process.stderr.write(
      `quizmesh graph: no N+1 marks: cannot read ${zipkin}: ${errorMessage(error)}\n`,
    );
    return [];
  }
}

function localZipkin(): string | undefined {
  try {
    const url = readRuntimeState(quizmeshHome()).zipkinUrl;
    return url === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

/** The graph, or why there is none. */
async function readGraph(request: Request): Promise<ServiceGraph | string> {
  if (request.prometheus !== undefined) {
    try {
      const rates = await fetchRequestRates(request.prometheus, request.window);
      return buildServiceGraph(rates, request.window);
    } catch (error) {
      return `cannot read ${request.prometheus}: ${errorMessage(error)}`;
    }
  }
  const home = quizmeshHome();
  const mesh = await findLocalMesh(home);
  if (mesh === undefined) {
    return `no local mode is running (no mesh answers through ${runtimeStatePath(home)}); start one with npm start, or give --prometheus URL`;
  }
  process.stderr.write(`sampling for ${request.window} s…\n`);
  try {
    const { before, after, seconds } = await scrapeTwice(mesh.statsUrl, request.window);
    return serviceGraphFromScrapes(before, after, seconds);
  } catch (error) {
    return `cannot read ${mesh.statsUrl}: ${errorMessage(error)}`;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
