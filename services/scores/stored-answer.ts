// What scores agrees to keep. An answer arrives from quiz, but scores keeps it for as long as its
// expiresAt says, so it checks that time itself: a round lives at most a day (quiz's
// ROUND_TTL_SECONDS is capped at 86,400), and an answer claiming longer (`expiresAt: 1e15`) would
// keep its round id in memory and in the log forever.
import { z } from 'zod';
import { answerRecord } from '../contracts/scores.ts';
import { playerName } from '../contracts/player.ts';

/** quiz's longest round, plus a minute for clocks that disagree. */
export const MAX_ROUND_LIFETIME_MS = 86_400_000 + 60_000;

/** No one answers a billion rounds: a total past this was not written by scores. */
const MAX_ANSWERS = 1_000_000_000;

function expiresAt(now: () => number) {
  return answerRecord.shape.expiresAt.refine((at) => at <= now() + MAX_ROUND_LIFETIME_MS, {
    message: 'must be at most a day from now (a round lives at most a day)',
  });
}

/** POST /answers, checked against the clock at the time of parsing. */
export function answerToStore(now: () => number = Date.now) {
  return answerRecord.extend({ expiresAt: expiresAt(now) });
}

/** A line of the answer log, which anything that could write the file could have forged. */
export function answerLogLine(now: () => number) {
  return z.discriminatedUnion('t', [
    answerToStore(now).extend({ t: z.literal('answer') }),
    z
      .object({
        t: z.literal('total'),
        player: playerName,
        score: z.number().int().min(0).max(MAX_ANSWERS),
        answered: z.number().int().min(1).max(MAX_ANSWERS),
      })
      .refine((total) => total.score <= total.answered, 'score exceeds answers'),
    z.object({
      t: z.literal('open'),
      roundId: answerRecord.shape.roundId,
      expiresAt: expiresAt(now),
    }),
  ]);
}
export type AnswerLogLine = z.infer<ReturnType<typeof answerLogLine>>;
