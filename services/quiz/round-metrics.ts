// Quiz's own RED figures for building rounds, per group of players: Istio's metrics know versions
// but not players, so only quiz can say that v2's failures are all players named outside Latin-1.
import type { Metrics } from '../kit/metrics.ts';
import { playerCharset } from './player-charset.ts';

export type RoundResult = 'ok' | 'error';

export interface RoundMetrics {
  /** Times a round for the player in this header; call what it returns once built or failed. */
  start(playerHeader: string | undefined): (result: RoundResult) => void;
}

const LABELS = ['result', 'player_charset'] as const;

export function createRoundMetrics(metrics: Metrics): RoundMetrics {
  // quiz_rounds_total keeps its name and `result`: queries that sum over the rest still hold.
  const rounds = metrics.counter(
    'quiz_rounds_total',
    'Rounds built, by result and the charset of the player name.',
    LABELS,
  );
  const duration = metrics.histogram(
    'quiz_round_duration_seconds',
    'Time to build a round (or fail to), by result and the charset of the player name.',
    LABELS,
  );
  return {
    start(playerHeader) {
      const stop = duration.startTimer();
      const player_charset = playerCharset(playerHeader);
      return (result) => {
        rounds.inc({ result, player_charset });
        stop({ result, player_charset });
      };
    },
  };
}
