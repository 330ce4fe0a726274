// The group of players a round is counted under: the characters of the player's name, in the few
// classes that decide whether a name survives an HTTP header (ASCII, the rest of Latin-1, anything
// beyond). A bounded label, so grouping by it costs four series per metric, not one per player;
// it is what shows v2 failing for Łukasz and 李雷 but not for alice or José.
export const PLAYER_CHARSETS = ['ascii', 'latin1', 'other', 'none'] as const;
export type PlayerCharset = (typeof PLAYER_CHARSETS)[number];

/**
 * The charset of the player in an `x-quiz-player` header as received (URI-encoded). No header, an
 * empty one, or one that is not URI-encoded names no player: `none` (quiz refuses the last before
 * counting a round, so it only matters to callers that classify first).
 */
export function playerCharset(header: string | undefined): PlayerCharset {
  if (header === undefined) return 'none';
  let name: string;
  try {
    name = decodeURIComponent(header).trim();
  } catch {
    return 'none';
  }
  if (name === '') return 'none';
  let highest = 0;
  for (const char of name) highest = Math.max(highest, char.codePointAt(0) ?? 0);
  if (highest < 0x80) return 'ascii';
  return highest < 0x100 ? 'latin1' : 'other';
}
