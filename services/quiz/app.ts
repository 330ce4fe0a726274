import { Router } from 'express';
import { catalogResponse } from '../contracts/images.ts';
import { PLAYER_HEADER, playerHeaderValue } from '../contracts/player.ts';
import { answerRequest, roundId } from '../contracts/quiz.ts';
import { playerScore, type PlayerScore } from '../contracts/scores.ts';
import { HttpError, parseInput } from '../kit/errors.ts';
import type { Metrics } from '../kit/metrics.ts';
import type { PeerClient } from '../kit/peer-client.ts';
import { createRoundMetrics } from './round-metrics.ts';
import type { RoundTokens } from './round-token.ts';
import { composeRound } from './rounds.ts';
import type { DescriptionLookup } from './versions.ts';

export interface QuizDeps {
  images: PeerClient;
  descriptions: PeerClient;
  scores: PeerClient;
  tokens: RoundTokens;
  lookup: DescriptionLookup;
  metrics: Metrics;
  roundTtlMs: number;
  now?: () => number;
}

export function quizRoutes(deps: QuizDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const rounds = createRoundMetrics(deps.metrics);
  const answers = deps.metrics.counter('quiz_answers_total', 'Answers checked, by correctness.', [
    'correct',
  ]);

  router.post('/rounds', async (req, res) => {
    // Checked before counting: a bad header is the caller's error, not a failed round.
    const playerHeader = req.get(PLAYER_HEADER);
    const player =
      playerHeader === undefined
        ? undefined
        : parseInput(playerHeaderValue, playerHeader, `${PLAYER_HEADER} header`);
    const done = rounds.start(playerHeader);
    try {
      const [{ images }, standing] = await Promise.all([
        deps.images.json('/images', catalogResponse),
        player === undefined ? undefined : standingOf(deps.scores, player),
      ]);
      const descriptions = await deps.lookup({
        descriptions: deps.descriptions,
        ids: images.map((image) => image.id),
        playerHeader,
      });
      const { answer, options } = composeRound(descriptions);
      const { id } = deps.tokens.seal({
        answer: answer.id,
        images: options.map((option) => option.id),
        expiresAt: now() + deps.roundTtlMs,
      });
      done('ok');
      res.status(201).json({
        id,
        description: answer.description,
        images: options.map((option) => ({ id: option.id })),
        ...(standing ? { player: standing } : {}),
      });
    } catch (err) {
      done('error');
      throw err;
    }
  });

  router.post('/rounds/:id/answer', async (req, res) => {
    const round = deps.tokens.open(parseInput(roundId, req.params.id, 'round id'));
    if (!round) throw new HttpError(404, 'unknown round');
    if (round.expiresAt <= now()) throw new HttpError(410, 'round has expired');
    const { player, imageId } = parseInput(answerRequest, req.body, 'answer');
    if (!round.images.includes(imageId)) {
      throw new HttpError(400, `image ${imageId} is not one of this round's images`);
    }
    const correct = imageId === round.answer;
    const total = await deps.scores.json('/answers', playerScore, {
      body: { roundId: round.nonce, player, correct, expiresAt: round.expiresAt },
    });
    answers.inc({ correct: String(correct) });
    res.json({ correct, score: total.score, correctImageId: round.answer });
  });

  return router;
}

/** The named player's score so far, for the page to show with the round. */
function standingOf(scores: PeerClient, player: string): Promise<PlayerScore> {
  return scores.json(`/players/${encodeURIComponent(player)}`, playerScore);
}
