import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { baseConfigSchema, describeIssues } from '../../../../services/kit/config.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('configuration', () => {
  it('fills defaults for what is not set', () => {
    const config = baseConfigSchema.parse({ SERVICE_NAME: 'quiz' });
    assert.equal(config.PORT, 8080);
    assert.equal(config.HOST, '127.0.0.1');
    assert.equal(config.FAILURE_RATE, 0);
  });

  it('names each bad variable in one readable line', () => {
    const result = baseConfigSchema.safeParse({
      SERVICE_NAME: 'Quiz!',
      PORT: '70000',
      FAILURE_RATE: 'x',
    });
    assert.ok(!result.success);
    const message = describeIssues(result.error);
    assert.match(message, /SERVICE_NAME: /);
    assert.match(message, /PORT: /);
    assert.match(message, /FAILURE_RATE: /);
  });

  it('a service with a bad value exits 1 with the reason on stderr, before listening', () => {
    const run = spawnSync(process.execPath, ['services/quiz/main.ts'], {
      cwd: root,
      env: { ...process.env, SERVICE_NAME: 'quiz', PORT: 'eighty', ROUND_SECRET: 'short' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /invalid configuration: .*PORT: .*ROUND_SECRET/);
  });
});
