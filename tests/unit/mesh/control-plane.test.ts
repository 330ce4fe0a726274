// The control plane in process, on a private copy of mesh-config/ and a private state file: a
// control plane restarted while the folder holds a refused file starts with the last good config
// and reports that file exactly as the running one did; once the file goes, the folder loads again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { declaredMeshTopology } from '../../../local/mesh-topology.ts';
import { lastGoodStore } from '../../../mesh/config/last-good.ts';
import { startControlPlane, type ControlPlane } from '../../../mesh/control-plane.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';

const quiet = { info: () => undefined, warn: () => undefined };

async function until(what: string, done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

const quizSubset = (plane: ControlPlane): string | undefined =>
  plane.current().config.virtualServices.find((vs) => vs.metadata.name === 'quiz')?.spec.http[0]
    ?.route[0]?.destination.subset;

const QUIZ_V3 = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: quiz, namespace: quiz }
spec:
  hosts: [quiz]
  http:
    - route:
        - destination: { host: quiz, subset: v3 }
`;

test('restarted with a refused file present, it starts with the last good config and reports the file as before', async () => {
  const dir = meshConfigCopy();
  const state = join(mkdtempSync(join(tmpdir(), 'quizmesh-state-')), 'last-good-config.json');
  const options = {
    dir,
    topology: declaredMeshTopology(),
    log: quiet,
    lastGood: lastGoodStore(state),
  };
  const running = await startControlPlane(options);
  writeFileSync(join(dir, 'virtual-service-quiz.yaml'), QUIZ_V3);
  await until('v3 applied', () => quizSubset(running) === 'v3');
  const generation = running.current().generation;
  writeFileSync(join(dir, 'zz-bad.yaml'), 'kind: [\n');
  await until('the bad file refused', () => running.status().rejected !== undefined);
  const refusedWhileRunning = running.status().rejected?.errors;
  await running.close();

  const restarted = await startControlPlane(options);
  try {
    assert.equal(quizSubset(restarted), 'v3');
    assert.equal(restarted.current().generation, generation);
    assert.deepEqual(restarted.status().rejected?.errors, refusedWhileRunning);
    assert.equal(refusedWhileRunning?.[0]?.file, 'zz-bad.yaml');

    rmSync(join(dir, 'zz-bad.yaml'));
    await until('the folder loaded again', () => restarted.status().rejected === undefined);
    assert.equal(quizSubset(restarted), 'v3');
  } finally {
    await restarted.close();
  }
});

test('with no last good config kept, a bad folder is refused with file and reason', async () => {
  const dir = meshConfigCopy();
  const state = join(mkdtempSync(join(tmpdir(), 'quizmesh-state-')), 'last-good-config.json');
  writeFileSync(join(dir, 'zz-bad.yaml'), 'kind: [\n');
  await assert.rejects(
    startControlPlane({
      dir,
      topology: declaredMeshTopology(),
      log: quiet,
      lastGood: lastGoodStore(state),
    }),
    /mesh-config refused:\n {2}zz-bad\.yaml: YAML syntax error/,
  );
});
