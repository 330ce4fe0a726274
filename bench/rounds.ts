// `npm run bench`: end-to-end rounds per second through the frontend, with tracing on and off,
// measured in one run: both local modes stay up (the idle one costs next to nothing) and many short
// measurements alternate between them, in swapped order every other pair, so drift on a noisy
// machine hits both alike. Each pair gives a ratio; the ratios' median and range are printed, and a
// run whose pairs disagree by more than NOISE_TOLERANCE says it cannot conclude. Then the resident
// memory of every process. Prints figures and ratios; asserts nothing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeIssues } from '../services/kit/config.ts';
import { startLocalMode, type RunningLocalMode } from '../tests/support/local-mode.ts';
import { meshConfigCopy } from '../tests/support/mesh-config.ts';
import { formatSpread, spreadOf, tooNoisy } from './stats/spread.ts';

const options = z
  .object({
    seconds: z.coerce.number().positive().max(300).default(3),
    concurrency: z.coerce.number().int().min(1).max(256).default(16),
    repeats: z.coerce.number().int().min(1).max(40).default(8),
    quiz: z.enum(['v1', 'v3']).default('v3'),
  })
  .safeParse(
    parseArgs({
      options: {
        seconds: { type: 'string' },
        concurrency: { type: 'string' },
        repeats: { type: 'string' },
        quiz: { type: 'string' },
      },
    }).values,
  );
if (!options.success) {
  process.stderr.write(`bench: ${describeIssues(options.error)}\n`);
  process.exit(2);
}
const { seconds, concurrency, repeats, quiz } = options.data;

interface Measurement {
  rounds: number;
  failed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  rssMiB: Record<string, number>;
}

/** Closed loop: `concurrency` players each play round after round (get, then answer) until time is up. */
async function measure(local: RunningLocalMode): Promise<Measurement> {
  const site = local.state.siteUrl;
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  const player = async (n: number): Promise<void> => {
    const headers = { 'x-quiz-player': `bench-${n}`, 'content-type': 'application/json' };
    while (performance.now() < end) {
      const started = process.hrtime.bigint();
      const round = await fetch(`${site}/api/round`, { headers });
      const body = (await round.json()) as { id: string; images: { id: string }[] };
      if (round.ok) {
        const answer = await fetch(`${site}/api/round/${body.id}/answer`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ player: `bench-${n}`, imageId: body.images[0]?.id }),
        });
        await answer.arrayBuffer();
        if (!answer.ok) failed++;
      } else {
        failed++;
      }
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, n) => player(n)));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    rounds: latencies.length,
    failed,
    perSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    rssMiB: residentMemory(local),
  };
}

function residentMemory(local: RunningLocalMode): Record<string, number> {
  const rss: Record<string, number> = {};
  for (const workload of local.state.workloads) {
    if (workload.pid === undefined) continue;
    const status = readFileSync(`/proc/${workload.pid}/status`, 'utf8');
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    rss[workload.name] = kib / 1024;
  }
  return rss;
}

/** Pairs whose on/off ratios span more than this share of their median decide nothing. */
const NOISE_TOLERANCE = 0.1;

async function start(tracing: 'on' | 'off'): Promise<RunningLocalMode> {
  const local = await startLocalMode({
    TRACING: tracing,
    QUIZMESH_MESH_CONFIG: meshConfigCopy({
      'virtual-service-quiz.yaml': `virtual-service-quiz-all-${quiz}.yaml`,
    }),
    LOG_LEVEL: 'warn',
  });
  await measure(local); // warm-up, discarded: JIT and connection pools
  return local;
}

const line = (tracing: string, m: Measurement): string =>
  `  tracing ${tracing.padEnd(3)} ${m.perSecond.toFixed(1).padStart(7)} rounds/s  p50 ${m.p50Ms.toFixed(1)} ms  p99 ${m.p99Ms.toFixed(1)} ms  (${m.rounds} rounds, ${m.failed} failed)\n`;

process.stdout.write(
  `quizmesh bench: quiz ${quiz}, ${concurrency} concurrent players, ${repeats} pairs of ${seconds} s measurements, alternating\n\n`,
);
const locals = { on: await start('on'), off: await start('off') };
const results: Record<'on' | 'off', Measurement[]> = { on: [], off: [] };
try {
  for (let i = 0; i < repeats; i++) {
    const order = i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const tracing of order) {
      const m = await measure(locals[tracing]);
      results[tracing].push(m);
      process.stdout.write(line(tracing, m));
    }
  }
} finally {
  await Promise.all([locals.on.stop(), locals.off.stop()]);
}
const ratios = results.on.map((m, i) => m.perSecond / (results.off[i]?.perSecond ?? NaN));
const ratio = spreadOf(ratios);
const on = spreadOf(results.on.map((m) => m.perSecond));
const off = spreadOf(results.off.map((m) => m.perSecond));
process.stdout.write(
  `\nrounds/s, median (min–max): tracing on ${formatSpread(on, 1)}, off ${formatSpread(off, 1)}\n` +
    `on/off per pair, median (min–max): ${formatSpread(ratio)}` +
    (tooNoisy(ratio, NOISE_TOLERANCE)
      ? `: TOO NOISY to conclude (pairs span ${(ratio.relativeRange * 100).toFixed(0)}% of the median, more than ${NOISE_TOLERANCE * 100}%)\n`
      : '\n'),
);
process.stdout.write(
  `p50 ms, median (min–max): on ${formatSpread(spreadOf(results.on.map((m) => m.p50Ms)))}, off ${formatSpread(spreadOf(results.off.map((m) => m.p50Ms)))}\n\n`,
);
process.stdout.write('resident memory after load (MiB)   tracing on   tracing off\n');
const lastOn = results.on.at(-1)?.rssMiB ?? {};
const lastOff = results.off.at(-1)?.rssMiB ?? {};
for (const name of Object.keys(lastOn)) {
  process.stdout.write(
    `  ${name.padEnd(32)} ${(lastOn[name] ?? 0).toFixed(1).padStart(10)} ${(lastOff[name] ?? 0).toFixed(1).padStart(13)}\n`,
  );
}
