// Times as people type them on a command line: `30s`, `2m`, `1500ms`, or plain seconds.

/** Seconds from `60`, `60s`, `2m`, `1h` or `1500ms`; undefined if the text is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const perUnit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  return value * (perUnit[unit] ?? 1);
}
