// What happened over the last few seconds, for the live line: a canary turning bad should show
// there at once, not be averaged away by minutes of good traffic before it. Times are
// milliseconds since the run started.
import { LatencyHistogram } from './histogram.ts';

/** Counts events in short slots and sums the slots still inside the window. */
export class RecentCounter {
  readonly #slotMs: number;
  readonly #counts: Float64Array;
  readonly #slotIds: Float64Array;

  constructor(windowMs = 5_000, slotMs = 250) {
    this.#slotMs = slotMs;
    const slots = Math.max(1, Math.round(windowMs / slotMs));
    this.#counts = new Float64Array(slots);
    this.#slotIds = new Float64Array(slots).fill(-1);
  }

  add(nowMs: number, amount = 1): void {
    const id = Math.floor(nowMs / this.#slotMs);
    const index = id % this.#counts.length;
    if (this.#slotIds[index] !== id) {
      this.#slotIds[index] = id;
      this.#counts[index] = 0;
    }
    this.#counts[index] = (this.#counts[index] ?? 0) + amount;
  }

  /** Events in the window ending at `nowMs`. */
  total(nowMs: number): number {
    const current = Math.floor(nowMs / this.#slotMs);
    const oldest = current - this.#counts.length + 1;
    let sum = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      const id = this.#slotIds[i] ?? -1;
      if (id >= oldest && id <= current) sum += this.#counts[i] ?? 0;
    }
    return sum;
  }

  /** Events per second over the window, which is shorter while the run is younger than it. */
  perSecond(nowMs: number): number {
    const current = Math.floor(nowMs / this.#slotMs);
    const windowStart = Math.max(0, (current - this.#counts.length + 1) * this.#slotMs);
    const coveredMs = nowMs - windowStart;
    return coveredMs > 0 ? (this.total(nowMs) * 1000) / coveredMs : 0;
  }
}

/**
 * Latency over the last 2.5–5 s: two histograms, the current and the one before, rotated every
 * half window. Cheaper than a histogram per slot, and exact enough for a glance at p99.
 */
export class RecentLatency {
  readonly #rotateMs: number;
  #epoch = 0;
  #current = new LatencyHistogram();
  #previous = new LatencyHistogram();

  constructor(windowMs = 5_000) {
    this.#rotateMs = windowMs / 2;
  }

  record(nowMs: number, micros: number): void {
    this.#rotate(nowMs);
    this.#current.record(micros);
  }

  histogram(nowMs: number): LatencyHistogram {
    this.#rotate(nowMs);
    const merged = new LatencyHistogram();
    merged.addAll(this.#previous);
    merged.addAll(this.#current);
    return merged;
  }

  #rotate(nowMs: number): void {
    const epoch = Math.floor(nowMs / this.#rotateMs);
    if (epoch === this.#epoch) return;
    this.#previous = epoch === this.#epoch + 1 ? this.#current : new LatencyHistogram();
    this.#current = new LatencyHistogram();
    this.#epoch = epoch;
  }
}
