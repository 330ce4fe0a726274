// How a simulated player chooses an image. Image ids are kebab-case words from the picture
// (`red-fox-snow` for "a red fox asleep in the snow"), so word overlap with the description finds
// the right one; a real crowd is not perfect, so players follow it only most of the time and the
// score and `correct` counts the site reports stay realistic.
import type { Random } from '../../services/kit/seeded-random.ts';
import { randomIndex } from './random-draws.ts';
import type { Round } from './quiz-api.ts';

export const DEFAULT_ACCURACY = 0.7;

/** Lower-case words of letters and digits in any script. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Equal words, or one a prefix of the other ("fox"/"foxes", "snow"/"snowy"). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}

/** How many of the image id's words appear in the description. */
export function overlap(imageId: string, descriptionWords: readonly string[]): number {
  return wordsOf(imageId).filter((word) => descriptionWords.some((d) => sameWord(word, d))).length;
}

/** The id of the image that best matches the description; the first one on a tie. */
export function bestGuess(round: Round): string {
  const words = wordsOf(round.description);
  let best = round.images[0]?.id ?? '';
  let bestScore = -1;
  for (const image of round.images) {
    const score = overlap(image.id, words);
    if (score > bestScore) {
      best = image.id;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The best guess with probability `accuracy`, otherwise one of the other images, so the share of
 * right answers is about `accuracy` rather than `accuracy` plus the luck of a random pick.
 */
export function pickImage(round: Round, random: Random, accuracy = DEFAULT_ACCURACY): string {
  const guess = bestGuess(round);
  const others = round.images.filter((image) => image.id !== guess);
  if (random() < accuracy || others.length === 0) return guess;
  return others[randomIndex(random, others.length)]?.id ?? guess;
}
