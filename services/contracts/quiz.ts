// The quiz service's API, which the frontend passes on to the browser nearly as is.
import { z } from 'zod';
import { imageId } from './images.ts';
import { playerName } from './player.ts';
import { playerScore } from './scores.ts';

/** A round id is a sealed token (see services/quiz/round-token.ts), URL-safe base64. */
export const roundId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,512}$/, 'round id must be 16–512 URL-safe characters');

/** POST /rounds (quiz): the description and four image ids, the answer sealed inside the id. */
export const round = z.object({
  id: roundId,
  description: z.string(),
  images: z.array(z.object({ id: imageId })).length(4),
  /** The player's standing so far, when the request named a player. */
  player: playerScore.optional(),
});
export type Round = z.infer<typeof round>;

/** GET /api/round (frontend): the same round, with where the browser fetches each image. */
export const siteRound = round.extend({
  images: z.array(z.object({ id: imageId, url: z.string() })).length(4),
});

/** POST /rounds/:id/answer */
export const answerRequest = z.object({ player: playerName, imageId });
export const answerResponse = z.object({
  correct: z.boolean(),
  score: z.number().int().min(0),
  correctImageId: imageId,
});
