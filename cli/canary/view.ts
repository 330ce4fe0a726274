// What a rollout shows while it runs on a terminal: one line per route applied and per check, a
// countdown to the next check rewritten in place on a TTY, and a summary at the end. Lines only,
// so a CI log reads the same.
import { formatSeconds } from '../../mesh-client/canary/analysis.ts';
import { describeCriteria, formatCheck, formatSummary } from '../../mesh-client/canary/describe.ts';
import type { RolloutView } from '../../mesh-client/canary/rollout.ts';

export function createRolloutView(stream: NodeJS.WriteStream): RolloutView {
  let countdown = false;
  const line = (text: string) => {
    if (countdown) stream.write('\r\x1b[K');
    countdown = false;
    stream.write(`${text}\n`);
  };
  return {
    started(rollout, where, metrics) {
      line(`canary ${describeCriteria(rollout)}`);
      line(`  routes: ${where} · figures: ${metrics}`);
    },
    applied(_rollout, what, note) {
      line(`${what}: ${note}`);
    },
    waiting(secondsLeft) {
      if (!stream.isTTY) return;
      stream.write(`\r  next check in ${formatSeconds(Math.max(0, secondsLeft))}\x1b[K`);
      countdown = true;
    },
    checked(rollout, check) {
      line(formatCheck(rollout, check, rollout.checks.length));
    },
    finished(rollout) {
      line(formatSummary(rollout));
    },
  };
}
