import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRoundTokens } from '../../../../services/quiz/round-token.ts';

const round = {
  answer: 'fox',
  images: ['fox', 'boat', 'tree', 'house'],
  expiresAt: 1_900_000_000_000,
};

describe('round tokens', () => {
  it('a round sealed by one replica opens in another with the same secret', () => {
    const { id, nonce } = createRoundTokens('a shared secret, 32 bytes long!').seal(round);
    const opened = createRoundTokens('a shared secret, 32 bytes long!').open(id);
    assert.deepEqual(opened, { ...round, nonce });
  });

  it('the id is URL-safe and does not show the answer', () => {
    const { id } = createRoundTokens('a shared secret, 32 bytes long!').seal(round);
    assert.match(id, /^[A-Za-z0-9_-]+$/);
    assert.ok(!Buffer.from(id, 'base64url').toString('latin1').includes('fox'));
  });

  it('each round gets its own nonce', () => {
    const tokens = createRoundTokens('a shared secret, 32 bytes long!');
    assert.notEqual(tokens.seal(round).nonce, tokens.seal(round).nonce);
  });

  it('a token from another secret, or tampered with, does not open', () => {
    const { id } = createRoundTokens('a shared secret, 32 bytes long!').seal(round);
    assert.equal(createRoundTokens('another secret entirely, 32 b!!').open(id), undefined);
    const bytes = Buffer.from(id, 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    const tokens = createRoundTokens('a shared secret, 32 bytes long!');
    assert.equal(tokens.open(bytes.toString('base64url')), undefined);
    assert.equal(tokens.open('short'), undefined);
    assert.equal(tokens.open(''), undefined);
  });
});
