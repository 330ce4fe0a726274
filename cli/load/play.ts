// One play as a person at the quiz page makes it: fetch a round, then answer it. The answer waits
// for the round, so a slow or failing round service shows up in the answer count too, as it would
// for real users.
import { answerResultSchema, parseBody, playerHeader, roundSchema } from './quiz-api.ts';
import { pickImage } from './pick.ts';
import type { Endpoint, LoadStats, PlayResult } from './stats.ts';
import { timedRequest } from './timed-request.ts';
import type { TimedResponse } from './timed-request.ts';
import type { z } from 'zod';
import type { Random } from '../../services/kit/seeded-random.ts';

export interface PlayContext {
  baseUrl: string;
  stats: LoadStats;
  random: Random;
  /** Aborted when the run stops; requests still in flight are then cancelled, not failed. */
  cancel: AbortSignal;
}

export async function play(context: PlayContext, player: string): Promise<PlayResult> {
  const { baseUrl, cancel } = context;
  const headers = playerHeader(player);

  const roundResponse = await timedRequest(
    `${baseUrl}/api/round`,
    { method: 'GET', headers },
    cancel,
  );
  const round = settle(context, 'round', roundResponse, roundSchema);
  if (round === 'cancelled' || round === 'failed') return round;

  const body = JSON.stringify({ player, imageId: pickImage(round, context.random) });
  const answerResponse = await timedRequest(
    `${baseUrl}/api/round/${encodeURIComponent(round.id)}/answer`,
    { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body },
    cancel,
  );
  const answer = settle(context, 'answer', answerResponse, answerResultSchema);
  if (answer === 'cancelled' || answer === 'failed') return answer;
  if (answer.correct) context.stats.correctAnswers += 1;
  return 'ok';
}

/** Records the request and returns its parsed body, or why there is none. */
function settle<S extends z.ZodType>(
  { stats }: PlayContext,
  endpoint: Endpoint,
  response: TimedResponse,
  schema: S,
): z.infer<S> | 'failed' | 'cancelled' {
  if (response.kind === 'cancelled') return 'cancelled';
  if (response.kind === 'failed') {
    stats.recordRequest({ endpoint, error: response.reason });
    return 'failed';
  }
  const { micros } = response;
  if (!response.ok) {
    stats.recordRequest({ endpoint, micros, error: String(response.status) });
    return 'failed';
  }
  const parsed = parseBody(response.text, schema);
  if (parsed === undefined) {
    stats.recordRequest({ endpoint, micros, error: 'invalid-body' });
    return 'failed';
  }
  stats.recordRequest({ endpoint, micros });
  return parsed;
}
