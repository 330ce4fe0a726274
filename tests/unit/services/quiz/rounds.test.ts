import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Description } from '../../../../services/contracts/descriptions.ts';
import { composeRound } from '../../../../services/quiz/rounds.ts';
// The shared seeded PRNG: the same draws on every run.
import { seededRandom as seeded } from '../../../../services/kit/seeded-random.ts';

const row = (id: string, ...labels: string[]): Description => ({
  id,
  description: `a picture of ${id}`,
  labels,
});

const catalog = [
  row('fox', 'animal', 'snow'),
  row('owl', 'animal', 'night'),
  row('boat', 'sea', 'summer'),
  row('tree', 'forest'),
  row('moon', 'night', 'sky'),
  row('cactus', 'desert'),
  row('house', 'town'),
];

describe('composeRound', () => {
  it('offers four distinct images, the answer among them', () => {
    for (let seed = 1; seed < 200; seed++) {
      const { answer, options } = composeRound(catalog, seeded(seed));
      assert.equal(options.length, 4);
      assert.equal(new Set(options.map((o) => o.id)).size, 4);
      assert.ok(options.includes(answer));
    }
  });

  it('never offers a distractor sharing a label with the answer', () => {
    for (let seed = 1; seed < 200; seed++) {
      const { answer, options } = composeRound(catalog, seeded(seed));
      for (const option of options.filter((o) => o !== answer)) {
        const shared = option.labels.filter((label) => answer.labels.includes(label));
        assert.deepEqual(shared, [], `${option.id} shares ${shared.join()} with ${answer.id}`);
      }
    }
  });

  it('puts the answer in every position over many rounds', () => {
    const positions = new Set<number>();
    for (let seed = 1; seed < 200; seed++) {
      const { answer, options } = composeRound(catalog, seeded(seed));
      positions.add(options.indexOf(answer));
    }
    assert.deepEqual([...positions].sort(), [0, 1, 2, 3]);
  });

  it('refuses a catalog without three unrelated images', () => {
    const tight = [row('a', 'x'), row('b', 'x'), row('c', 'y'), row('d', 'z')];
    assert.throws(() => composeRound(tight, () => 0), /share no label with a/);
  });
});
