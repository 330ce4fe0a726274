// `npm run bench` part 2: what the whole of local mode costs a laptop. Local mode with quiz on v1
// (the demo's heaviest version: ~54 mesh calls a round) under the load generator at a fixed play
// rate; every process's CPU (utime + stime, as cores used over the measured window) and resident
// memory at the end, and the totals beside the issue's targets. Prints figures; asserts nothing.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runLoad } from '../cli/load/generator.ts';
import { describeIssues } from '../services/kit/config.ts';
import { startLocalMode } from '../tests/support/local-mode.ts';
import { meshConfigCopy } from '../tests/support/mesh-config.ts';
import { cpuSeconds } from './local-cost/cpu-time.ts';
import { localProcesses } from './soak/local-processes.ts';
import { residentMiB } from './soak/resident-memory.ts';

const parsed = z
  .object({
    rate: z.coerce.number().positive().max(200).default(20),
    seconds: z.coerce.number().positive().max(600).default(20),
  })
  .safeParse(
    parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' } } }).values,
  );
if (!parsed.success) {
  process.stderr.write(`bench: ${describeIssues(parsed.error)}\n`);
  process.exit(2);
}
const { rate, seconds } = parsed.data;
/** Targets of issue 16, shown beside the figures (never asserted). */
const TARGET = { cores: 1.2, totalMiB: 1024 };

const local = await startLocalMode({
  QUIZMESH_MESH_CONFIG: meshConfigCopy({
    'virtual-service-quiz.yaml': 'virtual-service-quiz-all-v1.yaml',
  }),
  LOG_LEVEL: 'warn',
});
try {
  const load = (durationSeconds: number) =>
    runLoad({
      url: local.state.siteUrl,
      rps: rate,
      durationSeconds,
      players: 30,
      concurrency: 64,
      seed: 1,
    });
  await load(3); // warm-up: JIT and connection pools
  const processes = localProcesses(local.home);
  const before = processes.map((p) => cpuSeconds(p.pid) ?? 0);
  const began = performance.now();
  const summary = await load(seconds);
  const wall = (performance.now() - began) / 1000;
  const rows = processes.map((p, i) => ({
    name: p.name,
    cores: ((cpuSeconds(p.pid) ?? 0) - (before[i] ?? 0)) / wall,
    rss: residentMiB(p.pid) ?? 0,
  }));
  process.stdout.write(
    `\nlocal mode at ${rate} plays/s of quiz v1 for ${wall.toFixed(1)} s ` +
      `(${summary.plays.started} plays, ${summary.plays.failed} failed)\n` +
      `  process                       cores     RSS MiB\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `  ${row.name.padEnd(26)} ${row.cores.toFixed(2).padStart(8)} ${row.rss.toFixed(0).padStart(11)}\n`,
    );
  }
  const cores = rows.reduce((sum, r) => sum + r.cores, 0);
  const rss = rows.reduce((sum, r) => sum + r.rss, 0);
  process.stdout.write(
    `  ${'all of local mode'.padEnd(26)} ${cores.toFixed(2).padStart(8)} ${rss.toFixed(0).padStart(11)}` +
      `   (targets: < ${TARGET.cores} cores, ≤ ${TARGET.totalMiB} MiB)\n`,
  );
} finally {
  await local.stop();
}
