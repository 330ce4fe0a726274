// Who answered what: per-player totals and the rounds already answered. Pure state, no I/O; the
// answer log persists it. A round id is remembered until its round expires, which is what keeps
// "answered twice" detectable without the set growing forever.
import type { AnswerRecord, PlayerScore } from '../contracts/scores.ts';

export type RecordResult = { status: 'recorded'; score: PlayerScore } | { status: 'duplicate' };

export class Ledger {
  readonly #players = new Map<string, PlayerScore>();
  readonly #answeredRounds = new Map<string, number>();

  /** True while the round id is remembered: answering it again is a duplicate. */
  isAnswered(roundId: string, now = Date.now()): boolean {
    const expiresAt = this.#answeredRounds.get(roundId);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** Counts an answer once; a round id seen before (and not yet expired) is a duplicate. */
  record(answer: AnswerRecord, now = Date.now()): RecordResult {
    if (this.isAnswered(answer.roundId, now)) return { status: 'duplicate' };
    this.#answeredRounds.set(answer.roundId, answer.expiresAt);
    const score = this.#addToTotal(answer.player, answer.correct ? 1 : 0, 1);
    return { status: 'recorded', score };
  }

  /** Restores a compacted total (see answer-log.ts). */
  restoreTotal(total: PlayerScore): void {
    this.#addToTotal(total.player, total.score, total.answered);
  }

  player(name: string): PlayerScore | undefined {
    const score = this.#players.get(name);
    return score ? { ...score } : undefined;
  }

  /** Highest score first; fewer attempts breaks a tie, then the name. */
  leaderboard(limit: number): PlayerScore[] {
    return [...this.#players.values()]
      .sort(
        (a, b) => b.score - a.score || a.answered - b.answered || a.player.localeCompare(b.player),
      )
      .slice(0, limit)
      .map((score) => ({ ...score }));
  }

  totals(): PlayerScore[] {
    return [...this.#players.values()].map((score) => ({ ...score }));
  }

  /** Round ids still answerable, with their expiry: what a compaction must keep. */
  openRounds(now = Date.now()): [string, number][] {
    return [...this.#answeredRounds].filter(([, expiresAt]) => expiresAt > now);
  }

  forgetExpired(now = Date.now()): number {
    let forgotten = 0;
    for (const [roundId, expiresAt] of this.#answeredRounds) {
      if (expiresAt <= now) {
        this.#answeredRounds.delete(roundId);
        forgotten += 1;
      }
    }
    return forgotten;
  }

  /** Marks a round answered without counting it again (replaying the log after a compaction). */
  rememberRound(roundId: string, expiresAt: number): void {
    this.#answeredRounds.set(roundId, expiresAt);
  }

  get openRoundCount(): number {
    return this.#answeredRounds.size;
  }

  #addToTotal(player: string, score: number, answered: number): PlayerScore {
    const total = this.#players.get(player) ?? { player, score: 0, answered: 0 };
    total.score += score;
    total.answered += answered;
    this.#players.set(player, total);
    return { ...total };
  }
}
