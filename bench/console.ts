// `npm run bench:console`: how fast the mesh console answers what its pages poll, against the real
// local mode after quiz v1 and v3 have both served (so traces hold 54-call loops and the graph has
// N+1 edges). Each endpoint is asked in turn, round after round, so drift on a noisy machine hits
// all alike; the trace list is compared with the raw Zipkin answer it is built from, and the graph
// with the Graphviz layout inside it. Prints figures and ratios; asserts nothing.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { toDot } from '../mesh-client/graph/dot.ts';
import { renderSvg } from '../mesh-client/graph/render-svg.ts';
import type { GraphAnswer } from '../console/server/app.ts';
import { describeIssues } from '../services/kit/config.ts';
import { startLocalMode } from '../tests/support/local-mode.ts';
import { meshConfigCopy } from '../tests/support/mesh-config.ts';
import { playRounds } from '../tests/support/quiz-traffic.ts';

const options = z
  .object({
    traffic: z.coerce.number().positive().max(120).default(8),
    rounds: z.coerce.number().int().min(5).max(500).default(40),
  })
  .safeParse(
    parseArgs({ options: { traffic: { type: 'string' }, rounds: { type: 'string' } } }).values,
  );
if (!options.success) {
  process.stderr.write(`bench: ${describeIssues(options.error)}\n`);
  process.exit(2);
}
const { traffic: trafficSeconds, rounds } = options.data;

/** Milliseconds one GET takes, body read; throws on an error status. */
async function timedGet(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${String(response.status)}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

const local = await startLocalMode({
  QUIZMESH_MESH_CONFIG: meshConfigCopy({
    'virtual-service-quiz.yaml': 'virtual-service-quiz-v1-50-v3-50.yaml',
  }),
});
try {
  const consoleUrl = local.state.consoleUrl ?? '';
  process.stderr.write(`playing rounds for ${String(trafficSeconds)} s…\n`);
  const traffic = playRounds(local.state.siteUrl, ['ana', 'ben', 'cy', 'dee']);
  await new Promise((resolve) => setTimeout(resolve, trafficSeconds * 1000));
  const played = await traffic.stop();

  // Each trace-list call asks for a different count, so the console's 1.5 s answer cache never
  // serves it: the figure is Zipkin plus the console's own work.
  const limit = (i: number): number => 30 + (i % 20);
  const endpoints: Record<string, (i: number) => string> = {
    'console /api/graph': () => `${consoleUrl}/api/graph`,
    'console /api/red': () => `${consoleUrl}/api/red`,
    'console /api/traces': (i) => `${consoleUrl}/api/traces?limit=${String(limit(i))}`,
    'zipkin /api/v2/traces': (i) =>
      `${local.state.zipkinUrl}/api/v2/traces?limit=${String(limit(i))}&lookback=3600000`,
    'console /api/routes': () => `${consoleUrl}/api/routes`,
    'console page /': () => `${consoleUrl}/`,
  };
  const times: Record<string, number[]> = {};
  const sizes: Record<string, number> = {};
  for (const url of Object.values(endpoints)) await timedGet(url(0)); // warm up
  for (let i = 0; i < rounds; i++) {
    for (const [name, url] of Object.entries(endpoints)) {
      const { ms, bytes } = await timedGet(url(i));
      (times[name] ??= []).push(ms);
      sizes[name] = bytes;
    }
  }

  // The layout alone, on the graph the console just drew.
  const answer = (await (await fetch(`${consoleUrl}/api/graph`)).json()) as GraphAnswer;
  const dot = toDot(answer.graph, { nPlusOne: answer.nPlusOne });
  const layout: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await renderSvg(dot);
    layout.push(performance.now() - started);
  }

  const p50 = (name: string): number => quantile(times[name] ?? [], 0.5);
  const rows = Object.keys(endpoints).map((name) => [
    name,
    p50(name).toFixed(1),
    quantile(times[name] ?? [], 0.9).toFixed(1),
    String(Math.round((sizes[name] ?? 0) / 1024)),
  ]);
  rows.push([
    'graphviz layout (in-process)',
    quantile(layout, 0.5).toFixed(1),
    quantile(layout, 0.9).toFixed(1),
    String(Math.round(answer.svg.length / 1024)),
  ]);
  const width = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  process.stdout.write(
    `\nmesh console, ${String(rounds)} rounds per endpoint after ${String(played)} rounds played (quiz v1/v3 50/50)\n` +
      `${'endpoint'.padEnd(width)}  p50 ms  p90 ms    KiB\n` +
      rows
        .map(
          ([name = '', a = '', b = '', c = '']) =>
            `${name.padEnd(width)}  ${a.padStart(6)}  ${b.padStart(6)}  ${c.padStart(5)}`,
        )
        .join('\n') +
      `\n\nratios (p50): console trace list / raw Zipkin answer ${(p50('console /api/traces') / p50('zipkin /api/v2/traces')).toFixed(2)}` +
      ` · graphviz layout / whole /api/graph ${(quantile(layout, 0.5) / p50('console /api/graph')).toFixed(2)}` +
      ` · N+1 edges on the graph: ${String(answer.graph.edges.filter((e) => e.nPlusOne !== undefined).length)}\n`,
  );
} finally {
  await local.stop();
}
