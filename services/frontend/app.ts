import express, { Router } from 'express';
import { imageId } from '../contracts/images.ts';
import { PLAYER_HEADER, playerHeaderValue } from '../contracts/player.ts';
import { answerRequest, answerResponse, round, roundId } from '../contracts/quiz.ts';
import { leaderboardQuery, leaderboardResponse } from '../contracts/scores.ts';
import { parseInput } from '../kit/errors.ts';
import type { Logger } from '../kit/logger.ts';
import type { PeerClient } from '../kit/peer-client.ts';
import { securityHeaders } from '../kit/security-headers.ts';
import { playerFacingErrors } from './player-facing.ts';

export interface FrontendDeps {
  quiz: PeerClient;
  images: PeerClient;
  scores: PeerClient;
  publicDir: string;
  logger: Logger;
}

/**
 * The x-quiz-player header, checked and passed on as received (URI-encoded), so that the mesh can
 * route a named player to a canary.
 */
function playerHeaders(raw: string | undefined): Record<string, string> {
  if (raw === undefined) return {};
  parseInput(playerHeaderValue, raw, `${PLAYER_HEADER} header`);
  return { [PLAYER_HEADER]: raw };
}

export function frontendRoutes(deps: FrontendDeps): Router {
  const router = Router();
  router.use(securityHeaders);

  router.get('/api/round', async (req, res) => {
    const built = await deps.quiz.json('/rounds', round, {
      method: 'POST',
      headers: playerHeaders(req.get(PLAYER_HEADER)),
    });
    res.set('cache-control', 'no-store').json({
      ...built,
      images: built.images.map(({ id }) => ({ id, url: `/api/images/${id}.svg` })),
    });
  });

  router.post('/api/round/:id/answer', async (req, res) => {
    const id = parseInput(roundId, req.params.id, 'round id');
    const answer = parseInput(answerRequest, req.body, 'answer');
    const result = await deps.quiz.json(`/rounds/${id}/answer`, answerResponse, {
      body: answer,
      headers: playerHeaders(req.get(PLAYER_HEADER)),
    });
    res.json(result);
  });

  router.get('/api/leaderboard', async (req, res) => {
    const { limit } = parseInput(leaderboardQuery, req.query, 'leaderboard query');
    res.json(await deps.scores.json(`/leaderboard?limit=${limit}`, leaderboardResponse));
  });

  router.get('/api/images/:id.svg', async (req, res) => {
    const id = parseInput(imageId, req.params.id, 'image id');
    const image = await deps.images.bytes(`/images/${id}.svg`);
    res.type(image.contentType).set('cache-control', 'public, max-age=3600').send(image.body);
  });

  router.use(express.static(deps.publicDir, { index: 'index.html', maxAge: '5m' }));
  router.use(playerFacingErrors(deps.logger));
  return router;
}
