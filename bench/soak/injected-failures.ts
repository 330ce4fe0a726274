// Which failed requests a quiz version fails on by design: the bugs the demo exists to show. A
// soak of v1 or v2 must not fail for them, and must fail for anything else; v3 injects nothing.
import { isOutsideLatin1 } from '../../cli/load/players.ts';
import type { Endpoint } from '../../cli/load/stats.ts';

export const QUIZ_VERSIONS = ['v1', 'v2', 'v3'] as const;
export type QuizVersion = (typeof QUIZ_VERSIONS)[number];

/** A request of a play that got an HTTP answer of 400 or more. */
export interface FailedResponse {
  endpoint: Endpoint;
  status: number;
  /** The player the request was made for, decoded. */
  player: string;
}

/**
 * v1: a round whose ~50 sequential descriptions calls hit the slow tail misses quiz's deadline, and
 * the frontend answers 502. v2: descriptions is called with the player's name decoded, which HTTP
 * refuses outside Latin-1; quiz answers 500, the frontend 502. Both fail the round, never the answer.
 */
export function isInjected(version: QuizVersion, failure: FailedResponse): boolean {
  if (failure.endpoint !== 'round' || failure.status !== 502) return false;
  if (version === 'v1') return true;
  if (version === 'v2') return isOutsideLatin1(failure.player);
  return false;
}

export const INJECTED_FAILURES: Record<QuizVersion, string> = {
  v1: "round 502: quiz v1's 50 ms per-call deadline on descriptions",
  v2: 'round 502 for players named outside Latin-1: quiz v2 decodes the player header',
  v3: 'none: every failed request counts',
};
