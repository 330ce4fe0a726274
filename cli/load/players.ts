// Player names for the simulated traffic. The mix is deliberate: one quiz version mishandles names
// outside Latin-1, so about one play in five must carry such a name for that bug to show up in the
// error rate, while most traffic still looks like the ordinary case.
import { seededRandom } from '../../services/kit/seeded-random.ts';
import { shuffled } from './random-draws.ts';

/** Plain ASCII and accented names that Latin-1 (ISO-8859-1) can still hold. */
const LATIN1_NAMES = [
  'alice',
  'bob',
  'priya',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'olivia',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'kofi',
  'amara',
  'diego',
  'yuki',
  'José',
  'Zoë',
  'Ólafur',
  'Renée',
  'Søren',
  'François',
  'Björn',
  'Íñigo',
  'Chloé',
  'Märta',
] as const;

/** Names with at least one character beyond U+00FF: Latin Extended, CJK, Cyrillic, Greek, …. */
const WIDE_NAMES = [
  'Łukasz',
  '李雷',
  'Ольга',
  'Αθηνά',
  '美咲',
  'Nguyễn',
  'Jiří',
  'Şebnem',
  '서연',
  'अनन्या',
  'Đorđe',
  'Дмитрий',
] as const;

/** Every fifth name is a wide one, starting with the third, so even three players include one. */
const WIDE_EVERY = 5;
const WIDE_OFFSET = 2;

export function isOutsideLatin1(name: string): boolean {
  for (const char of name) {
    if ((char.codePointAt(0) ?? 0) > 0xff) return true;
  }
  return false;
}

/**
 * `count` distinct names, the same for the same seed. Each group is shuffled, then walked again
 * with a numeric suffix (alice2, 李雷2, …) once its names are used up.
 */
export function generatePlayers(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  const latin1 = namePool(shuffled(LATIN1_NAMES, random));
  const wide = namePool(shuffled(WIDE_NAMES, random));
  const players: string[] = [];
  for (let i = 0; i < count; i++) {
    players.push(i % WIDE_EVERY === WIDE_OFFSET ? wide() : latin1());
  }
  return players;
}

function namePool(names: readonly string[]): () => string {
  let next = 0;
  return () => {
    const lap = Math.floor(next / names.length);
    const name = names[next % names.length] ?? '';
    next += 1;
    return lap === 0 ? name : `${name}${lap + 1}`;
  };
}
