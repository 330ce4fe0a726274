import { z } from 'zod';

export const MAX_PLAYER_LENGTH = 32;

const graphemes = new Intl.Segmenter();
const characterCount = (text: string): number => Array.from(graphemes.segment(text)).length;

/** A player's name: 1–32 characters as a reader counts them ("李雷" is 2), no control characters. */
export const playerName = z
  .string()
  .trim()
  .min(1, 'player name is empty')
  .refine((name) => characterCount(name) <= MAX_PLAYER_LENGTH, {
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

/** The header's value: a URI-encoded player name, decoded and checked. */
export const playerHeaderValue = z
  .string()
  .max(512, 'header is too long')
  .transform((raw, ctx) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not URI-encoded' });
      return z.NEVER;
    }
  })
  .pipe(playerName);
