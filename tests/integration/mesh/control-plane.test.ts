// The local mesh's control plane as a process sees it: a replaced mesh-config/ folder is still
// watched, a burst of writes still reloads while it lasts (and the last write wins), and the proxy
// keeps answering while a large config loads.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import { startMesh, type MeshUnderTest } from '../../support/mesh-harness.ts';

/** quiz's VirtualService sending `v1Weight`% to v1, the rest to v3. */
const quizSplit = (v1Weight: number): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: quiz, namespace: quiz }
spec:
  hosts: [quiz]
  http:
    - route:
        - destination: { host: quiz, subset: v1 }
          weight: ${v1Weight}
        - destination: { host: quiz, subset: v3 }
          weight: ${100 - v1Weight}
`;

interface Status {
  generation: number;
  rejected?: { at: string; errors: { file: string; field?: string; reason: string }[] };
}

async function status(mesh: MeshUnderTest): Promise<Status> {
  return (await (await fetch(`${mesh.adminUrl}/status`)).json()) as Status;
}

/** The v1 weight of quiz's catch-all route in force. */
async function v1WeightInForce(mesh: MeshUnderTest): Promise<number | undefined> {
  const dump = (await (await fetch(`${mesh.adminUrl}/config_dump`)).json()) as {
    config: {
      virtualServices: {
        metadata: { name: string };
        spec: { http: { route: { destination: { subset?: string }; weight?: number }[] }[] };
      }[];
    };
  };
  const quiz = dump.config.virtualServices.find((vs) => vs.metadata.name === 'quiz');
  const route = quiz?.spec.http.at(-1)?.route ?? [];
  return route.find((r) => r.destination.subset === 'v1')?.weight;
}

async function eventually(what: string, done: () => Promise<boolean>, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

describe('local mesh: watching mesh-config/', () => {
  let mesh: MeshUnderTest;
  let configDir = '';
  before(async () => {
    configDir = meshConfigCopy();
    mesh = await startMesh({ configDir });
  });
  after(async () => {
    await (mesh as MeshUnderTest | undefined)?.stop();
  });

  it('after the folder is replaced (rm -rf, copy back), a later edit is applied', async () => {
    const backup = join(mkdtempSync(join(tmpdir(), 'quizmesh-backup-')), 'mesh-config');
    cpSync(configDir, backup, { recursive: true });
    rmSync(configDir, { recursive: true });
    await sleep(300);
    cpSync(backup, configDir, { recursive: true });
    await sleep(300);
    writeFileSync(join(configDir, 'virtual-service-quiz.yaml'), quizSplit(40));
    await eventually('the edit after the replacement in force', async () => {
      return (await v1WeightInForce(mesh)) === 40;
    });
    assert.equal((await status(mesh)).rejected, undefined);
  });

  it('writes 40 ms apart still reload while they go on, and the last write is in force', async () => {
    const file = join(configDir, 'virtual-service-quiz.yaml');
    const start = (await status(mesh)).generation;
    let duringBurst = start;
    for (let i = 0; i < 60; i++) {
      writeFileSync(file, quizSplit(i));
      duringBurst = (await status(mesh)).generation;
      await sleep(40);
    }
    assert.ok(duringBurst > start, `generation stayed ${start} during 60 writes over ~3 s`);
    writeFileSync(file, quizSplit(77));
    await eventually('the last write in force', async () => (await v1WeightInForce(mesh)) === 77);
  });
});

describe('local mesh: loading off the request path', () => {
  let mesh: MeshUnderTest;
  let configDir = '';
  before(async () => {
    configDir = meshConfigCopy();
    mesh = await startMesh({ configDir });
  });
  after(async () => {
    await (mesh as MeshUnderTest | undefined)?.stop();
  });

  it('the proxy answers while a large config loads', async () => {
    // Five files of ~1.4 MiB, each within every limit: seconds of parsing, then refused by kind.
    const row = `    - [${Array.from({ length: 1000 }, () => 'aaaa').join(', ')}]\n`;
    const body = row.repeat(Math.floor((1.4 * 1024 * 1024) / row.length));
    const files = [1, 2, 3, 4, 5].map((n) => join(configDir, `zz-large-${n}.yaml`));
    const before = (await status(mesh)).rejected?.at;
    for (const [n, file] of files.entries()) {
      writeFileSync(
        file,
        `apiVersion: v1\nkind: Filler\nmetadata: { name: f${n} }\ndata:\n${body}`,
      );
    }
    await sleep(400); // Past the debounce: the load has started.
    const response = await fetch(`${mesh.outbound('frontend-v1', 'quiz')}/rounds`, {
      method: 'POST',
      signal: AbortSignal.timeout(5_000),
    });
    const answeredAt = Date.now();
    assert.equal(response.status, 200);
    let verdict: Status = await status(mesh);
    await eventually(
      'the large config refused',
      async () => {
        verdict = await status(mesh);
        return verdict.rejected !== undefined && verdict.rejected.at !== before;
      },
      120_000,
    );
    assert.ok(
      answeredAt < Date.parse(verdict.rejected?.at ?? ''),
      `the call was answered at ${new Date(answeredAt).toISOString()}, after the load ended (${verdict.rejected?.at})`,
    );
    assert.match(verdict.rejected?.errors[0]?.reason ?? '', /Filler is not supported/);
    for (const file of files) rmSync(file);
    await eventually(
      'the folder in force again',
      async () => (await status(mesh)).rejected === undefined,
    );
  });
});
