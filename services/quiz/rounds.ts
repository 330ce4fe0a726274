// Building a fair round: one image to find, and three others that share no label with it, so no
// option could also pass for the description.
import type { Description } from '../contracts/descriptions.ts';

export interface ComposedRound {
  answer: Description;
  /** The four options in the order shown, the answer among them. */
  options: Description[];
}

export function composeRound(
  descriptions: readonly Description[],
  random: () => number = Math.random,
): ComposedRound {
  const answer = pick(descriptions, random);
  if (!answer) throw new Error('cannot build a round from an empty catalog');
  const labels = new Set(answer.labels);
  const unrelated = descriptions.filter(
    (other) => other.id !== answer.id && !other.labels.some((label) => labels.has(label)),
  );
  if (unrelated.length < 3) {
    throw new Error(`only ${unrelated.length} images share no label with ${answer.id}`);
  }
  const options = [answer, ...shuffle(unrelated, random).slice(0, 3)];
  return { answer, options: shuffle(options, random) };
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/** Fisher–Yates on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
