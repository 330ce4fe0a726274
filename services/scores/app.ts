import { Router } from 'express';
import { leaderboardQuery } from '../contracts/scores.ts';
import { playerName } from '../contracts/player.ts';
import { HttpError, parseInput } from '../kit/errors.ts';
import type { AnswerLog } from './answer-log.ts';
import { answerToStore } from './stored-answer.ts';

/** How often answered-round ids past their expiry are dropped from memory. */
const FORGET_EVERY = 1_000;

export function scoreRoutes(log: AnswerLog): Router {
  const router = Router();
  let sinceForget = 0;
  const answerSchema = answerToStore();

  router.post('/answers', (req, res) => {
    const answer = parseInput(answerSchema, req.body, 'answer');
    if (answer.expiresAt <= Date.now()) throw new HttpError(410, 'round has expired');
    if (log.ledger.isAnswered(answer.roundId)) throw new HttpError(409, 'round already answered');
    // Logged and flushed before it counts: an acknowledged answer survives a restart, and a
    // failed write leaves memory as it was (the answer is 500, and may be sent again).
    log.append(answer);
    const result = log.ledger.record(answer);
    if (result.status === 'duplicate') throw new HttpError(409, 'round already answered');
    if (++sinceForget >= FORGET_EVERY) {
      sinceForget = 0;
      log.ledger.forgetExpired();
    }
    res.status(201).json(result.score);
  });

  router.get('/players/:player', (req, res) => {
    const player = parseInput(playerName, req.params.player, 'player');
    // A player who has not answered yet simply has nothing: a zero score, not an error.
    res.json(log.ledger.player(player) ?? { player, score: 0, answered: 0 });
  });

  router.get('/leaderboard', (req, res) => {
    const { limit } = parseInput(leaderboardQuery, req.query, 'leaderboard query');
    res.json({ players: log.ledger.leaderboard(limit) });
  });

  return router;
}
