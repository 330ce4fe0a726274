import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { playerCharset } from '../../../../services/quiz/player-charset.ts';

const header = (name: string): string => encodeURIComponent(name);

describe('playerCharset', () => {
  it('a name of ASCII letters is ascii', () => {
    assert.equal(playerCharset(header('alice')), 'ascii');
    assert.equal(playerCharset(header("Bob O'Neil")), 'ascii');
  });

  it('a name with a character of Latin-1 beyond ASCII is latin1', () => {
    assert.equal(playerCharset(header('José')), 'latin1');
    assert.equal(playerCharset(header('ÿ')), 'latin1'); // U+00FF, the last of Latin-1
    assert.equal(playerCharset(header('Ÿ')), 'other'); // U+0178, its capital, is past it
  });

  it('a name with any character past U+00FF is other', () => {
    assert.equal(playerCharset(header('Łukasz')), 'other');
    assert.equal(playerCharset(header('李雷')), 'other');
    assert.equal(playerCharset(header('ada 🎲')), 'other');
  });

  it('no header, a blank one or one that is not URI-encoded names no player', () => {
    assert.equal(playerCharset(undefined), 'none');
    assert.equal(playerCharset(''), 'none');
    assert.equal(playerCharset('%20%20'), 'none');
    assert.equal(playerCharset('%E0%A4%A'), 'none');
    assert.equal(playerCharset('%FF'), 'none');
  });

  it('a header sent raw, not encoded, is classified by what it holds', () => {
    assert.equal(playerCharset('alice'), 'ascii');
  });
});
