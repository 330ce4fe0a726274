// Round RED per version and group of players, from quiz's own metrics: Istio's know the version
// that answered but not who played, and v2's bug only shows per player (its `other` charset fails,
// `ascii` and `latin1` do not), so the canary dashboard asks quiz_rounds_total and
// quiz_round_duration_seconds by player_charset.
import { query, timeseriesPanel } from './panels.ts';
import { appQuantile, RATE, sel } from './promql.ts';

const GROUP = ['version', 'player_charset'];
const BY_GROUP = `sum by (${GROUP.join(', ')})`;
const SELECTOR = 'app="$service"';
const LEGEND = '{{version}} {{player_charset}}';

const rounds = (extra = ''): string =>
  `${BY_GROUP} (rate(quiz_rounds_total{${sel(SELECTOR, extra)}}[${RATE}]))`;

/**
 * Failed rounds over all rounds per group. A group with no failure has no error series at all,
 * so it is given a zero (`or 0 * …`) rather than left off the panel: a flat 0 is the point.
 */
export const roundErrorShare = (): string =>
  `(\n${rounds('result="error"')}\nor\n0 * ${rounds()}\n)\n/\n${rounds()}`;

export const roundP99 = (): string =>
  appQuantile(0.99, 'quiz_round_duration_seconds', SELECTOR, GROUP);

export function playerGroupPanels() {
  return [
    timeseriesPanel({
      title: 'Round error share by version and player charset (app metrics)',
      description:
        'quiz_rounds_total{result="error"} over all rounds, per version and player_charset: the player name\'s characters (ascii, latin1, other; none without a player). v2 fails `other` only.',
      unit: 'percentunit',
      queries: [query(roundErrorShare(), LEGEND)],
    })
      .min(0)
      .max(1),
    timeseriesPanel({
      title: 'Round p99 by version and player charset (app metrics)',
      description:
        'From quiz_round_duration_seconds: the time quiz took to build (or fail) a round.',
      unit: 's',
      queries: [query(roundP99(), LEGEND)],
    }),
  ];
}
