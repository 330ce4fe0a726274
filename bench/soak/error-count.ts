// The run's failed requests by kind, split into the ones the quiz version injects and the rest.
// The load summary is the count of record (it also sees timeouts, refused connections and bodies
// that do not parse); the tap only says how many of a kind were injected, so it can never add one.
import { ENDPOINTS, type LoadSummary } from '../../cli/load/stats.ts';

export interface ErrorKind {
  /** `round 502`, `answer timeout`. */
  kind: string;
  count: number;
  injected: number;
  unexpected: number;
}

export function countErrors(summary: LoadSummary, injected: Map<string, number>): ErrorKind[] {
  return ENDPOINTS.flatMap((endpoint) =>
    Object.entries(summary.endpoints[endpoint].errorsByStatus).map(([status, count]) => {
      const kind = `${endpoint} ${status}`;
      const ours = Math.min(count, injected.get(kind) ?? 0);
      return { kind, count, injected: ours, unexpected: count - ours };
    }),
  );
}

export const unexpectedErrors = (kinds: readonly ErrorKind[]): number =>
  kinds.reduce((sum, kind) => sum + kind.unexpected, 0);
