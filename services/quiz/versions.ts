// What quiz v1, v2 and v3 do differently: the story of the talk, in one place. Every version builds
// the same fair round (rounds.ts); they differ only in how they fetch the catalog's descriptions.
//
// v1, the bug. Asks descriptions about every catalog image one at a time, each call with a tight
//   50 ms deadline. descriptions answers most lookups at once but about 1 in 250 misses its cache
//   and takes ~120 ms; over 54 sequential calls a round hits that tail about one time in five, and
//   the round fails with 504. In Zipkin: up to 54 descriptions spans in one trace, the last cut off.
// v2, the hasty fix. One batch call: fast, and fine for the developer who tried it. But it passes
//   the player on to descriptions decoded, and HTTP refuses header values outside Latin-1, so
//   players named Łukasz or 李雷 get a 500. In Zipkin: quiz fails with a TypeError and never calls
//   descriptions.
// v3, the real fix. One batch call, the player header passed on as received (URI-encoded).
import { batchResponse, description, type Description } from '../contracts/descriptions.ts';
import { PLAYER_HEADER } from '../contracts/player.ts';
import type { PeerClient } from '../kit/peer-client.ts';

export const QUIZ_VERSIONS = ['v1', 'v2', 'v3'] as const;
export type QuizVersion = (typeof QUIZ_VERSIONS)[number];

export interface LookupRequest {
  descriptions: PeerClient;
  ids: readonly string[];
  /** The x-quiz-player header as received: URI-encoded, or absent. */
  playerHeader: string | undefined;
}

export type DescriptionLookup = (request: LookupRequest) => Promise<Description[]>;

/** v1's per-call deadline: comfortable for one call, fatal when multiplied by the fan-out. */
export const V1_CALL_TIMEOUT_MS = 50;

const oneAtATime: DescriptionLookup = async ({ descriptions, ids }) => {
  const found: Description[] = [];
  for (const id of ids) {
    found.push(
      await descriptions.json(`/descriptions/${id}`, description, {
        timeoutMs: V1_CALL_TIMEOUT_MS,
      }),
    );
  }
  return found;
};

function batch(passPlayerOn: (header: string) => string): DescriptionLookup {
  return async ({ descriptions, ids, playerHeader }) => {
    const headers: Record<string, string> =
      playerHeader === undefined ? {} : { [PLAYER_HEADER]: passPlayerOn(playerHeader) };
    const answer = await descriptions.json('/descriptions/batch', batchResponse, {
      body: { ids },
      headers,
    });
    return answer.descriptions;
  };
}

export const LOOKUPS: Record<QuizVersion, DescriptionLookup> = {
  v1: oneAtATime,
  v2: batch((header) => decodeURIComponent(header)),
  v3: batch((header) => header),
};
