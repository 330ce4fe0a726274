import { z } from 'zod';

export const MAX_PLAYER_LENGTH = 32;

/** A player's name: 1–32 characters (code points, so "李雷" is 2), no control characters. */
export const playerName = z
  .string()
  .trim()
  .min(1, 'player name is empty')
  .refine((name) => [...name].length <= MAX_PLAYER_LENGTH, {
    message: `player name is longer than ${MAX_PLAYER_LENGTH} characters`,
  })
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), {
    message: 'player name contains control characters',
  });

/**
 * Header carrying the player, URI-encoded so any name fits in HTTP. The mesh can route on it
 * (a header match on `x-quiz-player: alice` sends alice to a canary).
 */
export const PLAYER_HEADER = 'x-quiz-player';
