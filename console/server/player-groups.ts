// Quiz's rounds per version and group of players (quiz_rounds_total and
// quiz_round_duration_seconds by player_charset), for the RED table's line per group under each
// quiz version: Istio's figures cannot say that v2 fails only players named outside Latin-1.
// Both sources, the quiz instances' /metrics locally and Prometheus on a cluster, come down to the
// rates below; this turns them into the figures the page shows.

export interface PlayerGroupFigures {
  /** The player_charset label: ascii, latin1, other, none. */
  charset: string;
  roundsPerSecond: number;
  /** Failed rounds over all rounds, 0–1. */
  errorRate: number;
  p99Ms: number | null;
}

export interface RoundRate {
  version: string;
  charset: string;
  result: string;
  perSecond: number;
}

export interface GroupQuantile {
  version: string;
  charset: string;
  seconds: number;
}

/** The order quiz's label values are explained in (services/quiz/player-charset.ts). */
const CHARSET_ORDER = ['ascii', 'latin1', 'other', 'none'];

const key = (version: string, charset: string): string => JSON.stringify([version, charset]);

/** Per quiz version, its groups that played in the window, in charset order. */
export function playerGroups(
  rates: readonly RoundRate[],
  p99s: readonly GroupQuantile[],
): Map<string, PlayerGroupFigures[]> {
  const p99 = new Map(p99s.map((q) => [key(q.version, q.charset), q.seconds]));
  const totals = new Map<
    string,
    { version: string; charset: string; all: number; errors: number }
  >();
  for (const { version, charset, result, perSecond } of rates) {
    const group = totals.get(key(version, charset)) ?? { version, charset, all: 0, errors: 0 };
    group.all += perSecond;
    if (result === 'error') group.errors += perSecond;
    totals.set(key(version, charset), group);
  }
  const byVersion = new Map<string, PlayerGroupFigures[]>();
  for (const { version, charset, all, errors } of totals.values()) {
    if (all <= 0) continue;
    const seconds = p99.get(key(version, charset));
    const figures = byVersion.get(version) ?? [];
    figures.push({
      charset,
      roundsPerSecond: all,
      errorRate: errors / all,
      p99Ms: seconds !== undefined && Number.isFinite(seconds) ? seconds * 1000 : null,
    });
    byVersion.set(version, figures);
  }
  for (const figures of byVersion.values())
    figures.sort((a, b) => rank(a.charset) - rank(b.charset) || a.charset.localeCompare(b.charset));
  return byVersion;
}

const rank = (charset: string): number => {
  const at = CHARSET_ORDER.indexOf(charset);
  return at === -1 ? CHARSET_ORDER.length : at;
};
