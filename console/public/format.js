// @ts-check
// Numbers as the console shows them.

/** @param {number} perSecond */
export function rate(perSecond) {
  if (perSecond >= 100) return perSecond.toFixed(0);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}

/**
 * A share (0–1) as a percentage; a dash without data.
 * @param {number | null | undefined} value
 */
export function share(value) {
  if (value === null || value === undefined) return '–';
  return value === 0 ? '0%' : `${(value * 100).toFixed(1)}%`;
}

/** @param {number | null | undefined} value */
export function ms(value) {
  if (value === null || value === undefined) return '–';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

/**
 * Microseconds as ms or s.
 * @param {number | null | undefined} value
 */
export function micros(value) {
  if (value === null || value === undefined) return '–';
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(2)} s`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)} ms`;
  return `${value} µs`;
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** @param {Date} date */
export function time(date) {
  return clock.format(date);
}

/**
 * Epoch microseconds as a clock time and how long ago.
 * @param {number} epochMicros
 */
export function started(epochMicros) {
  const at = new Date(epochMicros / 1000);
  const ago = Math.max(0, Math.round((Date.now() - at.getTime()) / 1000));
  return `${time(at)} (${ago < 120 ? `${ago} s` : `${Math.round(ago / 60)} min`} ago)`;
}
