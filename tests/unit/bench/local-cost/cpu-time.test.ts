import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cpuSeconds } from '../../../../bench/local-cost/cpu-time.ts';

it("reads this process's CPU time from /proc, agreeing with process.cpuUsage()", () => {
  const before = cpuSeconds(process.pid);
  const usageBefore = process.cpuUsage();
  assert.ok(before !== undefined && before > 0);
  // Busy until the process itself has used 0.3 s of CPU, however long that takes on a busy machine.
  while (process.cpuUsage(usageBefore).user < 300_000);
  const used = process.cpuUsage(usageBefore);
  const after = cpuSeconds(process.pid) ?? 0;
  const expected = (used.user + used.system) / 1e6;
  // /proc counts in 10 ms ticks, and a tick may fall either side of each reading.
  assert.ok(
    Math.abs(after - before - expected) <= 0.05,
    `${String(after - before)} vs ${String(expected)}`,
  );
  assert.equal(cpuSeconds(2 ** 22 + 1), undefined);
});
