// The end-of-run report for people; `--json` prints the LoadSummary object itself instead.
import { formatMs, formatStatusCounts } from './progress.ts';
import { ENDPOINTS } from './stats.ts';
import type { LoadSummary } from './stats.ts';

function percent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

export function formatSummary(s: LoadSummary): string {
  const { plays, requests } = s;
  const how = s.interrupted ? 'interrupted after' : 'ran';
  const lines = [
    `quizmesh load: ${s.url} ${how} ${s.elapsedSeconds.toFixed(1)}s ` +
      `(target ${s.targetPlaysPerSecond} plays/s = ${s.targetPlaysPerSecond * 2} req/s for ${s.durationSeconds}s)`,
    `plays     ${plays.started} started: ${plays.ok} ok, ${plays.failed} failed, ` +
      `${plays.dropped} dropped, ${plays.cancelled} cancelled; ` +
      `${plays.correctAnswers} correct answers (${plays.ok > 0 ? percent(plays.correctAnswers / plays.ok) : '-'} of ok plays)`,
    `requests  ${requests.total} at ${requests.perSecond.toFixed(1)}/s achieved, ` +
      `${requests.errors} errors (${percent(requests.errorRate)})` +
      (requests.errors > 0 ? `: ${formatStatusCounts(requests.errorsByStatus)}` : ''),
    '',
    `endpoint    requests  errors    p50 ms    p90 ms    p99 ms    max ms  errors by status`,
  ];
  for (const endpoint of ENDPOINTS) {
    const e = s.endpoints[endpoint];
    const l = e.latencyMicros;
    lines.push(
      endpoint.padEnd(10) +
        String(e.requests).padStart(10) +
        String(e.errors).padStart(8) +
        [l.p50, l.p90, l.p99, l.max]
          .map((micros) => (e.responses > 0 ? formatMs(micros) : '-').padStart(10))
          .join('') +
        `  ${formatStatusCounts(e.errorsByStatus) || '-'}`,
    );
  }
  if (!s.reachable) {
    lines.push('', `${s.url} never answered (${s.lastNetworkError ?? 'no response'}).`);
  }
  return `${lines.join('\n')}\n`;
}
