import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cpuSeconds } from '../../../../bench/local-cost/cpu-time.ts';

it("reads this process's CPU time from /proc, and it grows with work", () => {
  const before = cpuSeconds(process.pid);
  assert.ok(before !== undefined && before > 0);
  const end = performance.now() + 300;
  while (performance.now() < end); // busy for 0.3 s of CPU
  const after = cpuSeconds(process.pid) ?? 0;
  assert.ok(after - before >= 0.2, `${String(after - before)} s of CPU for 0.3 s busy`);
  assert.equal(cpuSeconds(2 ** 22 + 1), undefined);
});
