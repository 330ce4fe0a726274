// The load generator's draws from a seeded generator, so the same --seed gives the same players
// and choices. The generator itself is services/kit/seeded-random.ts.
import type { Random } from '../../services/kit/seeded-random.ts';

/** An integer in [0, below). */
export function randomIndex(random: Random, below: number): number {
  return Math.min(below - 1, Math.floor(random() * below));
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    const item = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = item;
  }
  return copy;
}
