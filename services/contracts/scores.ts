// The scores service's API, shared by the server that validates and the clients that parse it.
import { z } from 'zod';
import { playerName } from './player.ts';

/** POST /answers: one answer to one round, recorded at most once. */
export const answerRecord = z.object({
  roundId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'round id must be 8–64 URL-safe characters'),
  player: playerName,
  correct: z.boolean(),
  /** When the round stops being answerable (ms since epoch): scores forgets its id after that. */
  expiresAt: z.number().int().positive(),
});
export type AnswerRecord = z.infer<typeof answerRecord>;

export const playerScore = z.object({
  player: z.string(),
  score: z.number().int().min(0),
  answered: z.number().int().min(0),
});
export type PlayerScore = z.infer<typeof playerScore>;

export const leaderboardQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export const leaderboardResponse = z.object({ players: z.array(playerScore) });
