// The kit's logger in a real child process whose log pipe breaks, as when local mode's supervisor
// is killed: the process must still exit, not retry its last lines forever.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { isAlive, waitGone } from '../../../support/process-checks.ts';

const FIXTURE = fileURLToPath(
  new URL('../../../support/fixtures/log-on-disconnect.ts', import.meta.url),
);

it('a process that logs and exits after its log reader is gone exits', async () => {
  const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const pid = child.pid ?? 0;
  try {
    await once(child, 'message');
    // Our end of its stdout goes first, then the channel: its goodbye line meets a broken pipe.
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.disconnect();
    assert.deepEqual(await waitGone([pid], 5_000), [], 'it hangs in the exit-time log flush');
  } finally {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});
