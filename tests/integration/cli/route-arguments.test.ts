// `quizmesh route` run as a user runs it, in a child process, on a private copy of mesh-config/:
// what it prints, what it writes (or leaves byte-identical), its exit status, and how it waits for
// a running local mode's mesh, here a stand-in admin endpoint that reads the file as the mesh would.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';
import { standInLocalMode, type StandIn } from '../../support/stand-in-local-mode.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../mesh-config', import.meta.url));

/** A home with no runtime state: nothing runs. */
const emptyHome = (): string => mkdtempSync(path.join(tmpdir(), 'quizmesh-home-'));

function quizmesh(args: string[], home = emptyHome()): Promise<CliResult> {
  return runQuizmesh(args, { QUIZMESH_HOME: home });
}

function configCopy(): { dir: string; quizFile: string; quiz: () => string } {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'quizmesh-route-')), 'mesh-config');
  cpSync(MESH_CONFIG, dir, { recursive: true });
  const quizFile = path.join(dir, 'virtual-service-quiz.yaml');
  return { dir, quizFile, quiz: () => readFileSync(quizFile, 'utf8') };
}

describe('quizmesh route', () => {
  it('rewrites the quiz route, says what it did, and writes nothing the second time', async () => {
    const { dir, quizFile, quiz } = configCopy();
    const first = await quizmesh([
      'route',
      'quiz',
      'v1=90',
      'v3=10',
      '--header',
      'x-quiz-player=alice:v3',
      '--config',
      dir,
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stdout,
      `quiz: v1 90% · v3 10% (header x-quiz-player=alice → v3) → ${quizFile}\n`,
    );
    assert.match(quiz(), /^# The live route to quiz/);
    assert.match(quiz(), /exact: alice[\s\S]*weight: 90[\s\S]*weight: 10/);
    const written = quiz();

    const second = await quizmesh([
      'route',
      'quiz',
      'v1=90',
      'v3=10',
      '--header',
      'x-quiz-player=alice:v3',
      '--config',
      dir,
    ]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /\(already so: nothing written\)\n$/);
    assert.equal(quiz(), written);
    // The atomic write leaves no temporary file behind.
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('refuses weights that do not sum to 100 with exit 2 and writes nothing', async () => {
    const { dir, quiz } = configCopy();
    const before = quiz();
    const result = await quizmesh(['route', 'quiz', 'v1=90', 'v3=20', '--config', dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^quizmesh route: weights must sum to 100; 90 \+ 20 = 110\n/);
    assert.equal(quiz(), before);
  });

  it('refuses a version no DestinationRule defines with exit 1, the finding, and the file unchanged', async () => {
    const { dir, quizFile, quiz } = configCopy();
    const before = quiz();
    const result = await quizmesh(['route', 'quiz', 'v9=100', '--config', dir]);
    assert.equal(result.code, 1);
    assert.ok(
      result.stderr.startsWith(
        `${quizFile}: VirtualService/quiz: spec.http[0].route[0].destination.subset: subset v9 is not defined`,
      ),
      result.stderr,
    );
    assert.match(result.stderr, /nothing written\n$/);
    assert.equal(quiz(), before);
  });

  it('with --dry-run prints the new file and the routes before and after, and writes nothing', async () => {
    const { dir, quiz } = configCopy();
    const before = quiz();
    const result = await quizmesh([
      'route',
      'quiz',
      'v1=50',
      'v3=50',
      '--config',
      dir,
      '--dry-run',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.startsWith('# The live route to quiz'));
    assert.match(result.stdout, /\n {2}- quiz v1\n {2}\+ quiz v1 50% · v3 50%\n$/);
    assert.equal(quiz(), before);
  });

  it('creates virtual-service-<service>.yaml for a service no VirtualService routes', async () => {
    const { dir } = configCopy();
    const result = await quizmesh(['route', 'scores', 'v1=100', '--config', dir]);
    assert.equal(result.code, 0, result.stderr);
    const file = path.join(dir, 'virtual-service-scores.yaml');
    assert.equal(result.stdout, `scores: v1 100% → ${file}\n`);
    assert.match(readFileSync(file, 'utf8'), /kind: VirtualService[\s\S]*host: scores/);
  });

  it('exits 2 with usage for bad arguments, and 0 with --help', async () => {
    const missing = await quizmesh(['route', 'quiz']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /at least one <version>=<weight>/);
    const help = await quizmesh(['help', 'route']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: quizmesh route <service> <version>=<weight>…/);
    assert.match(help.stdout, /timeout\s+and retries of the old last route/);
  });
});

/** A local mode's mesh admin, reduced to /status: what `answer` says for the file's current text. */
async function fakeMeshAdmin(file: string, answer: (text: string) => object): Promise<StandIn> {
  const handler: http.RequestListener = (req, res) => {
    const body = req.url === '/status' ? answer(readFileSync(file, 'utf8')) : { error: 'no' };
    res.writeHead(req.url === '/status' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return standInLocalMode(handler);
}

describe('quizmesh route with local mode running', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it('waits for the mesh to apply the change and says which generation', async () => {
    const { dir, quizFile } = configCopy();
    const admin = await fakeMeshAdmin(quizFile, (text) => ({
      generation: text.includes('subset: v3') ? 8 : 7,
    }));
    closers.push(admin.close);
    const result = await quizmesh(['route', 'quiz', 'v1=90', 'v3=10', '--config', dir], admin.home);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `quiz: v1 90% · v3 10% → ${quizFile}\napplied by the local mesh (generation 8)\n`,
    );
  });

  it('exits 1 with the reason when the mesh refuses the change', async () => {
    const { dir, quizFile } = configCopy();
    const admin = await fakeMeshAdmin(quizFile, (text) =>
      text.includes('subset: v3')
        ? {
            generation: 7,
            rejected: {
              at: '2030-01-01T00:00:00.000Z',
              errors: [
                { file: 'virtual-service-quiz.yaml', reason: 'no instance of quiz v3 runs' },
              ],
            },
          }
        : { generation: 7 },
    );
    closers.push(admin.close);
    const result = await quizmesh(['route', 'quiz', 'v3=100', '--config', dir], admin.home);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `${quizFile}: no instance of quiz v3 runs\nquizmesh route: the local mesh refused the change; generation 7 stays in force\n`,
    );
  });

  it('says so, after 3 s, and exits 1 when the mesh does not pick the change up', async () => {
    const { dir, quizFile } = configCopy();
    const admin = await fakeMeshAdmin(quizFile, () => ({ generation: 3 }));
    closers.push(admin.close);
    const result = await quizmesh(['route', 'quiz', 'v3=100', '--config', dir], admin.home);
    // Written but not in force: a script that goes on (a canary step, a demo) must not take it as done.
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /did not apply it within 3 s \(generation 3 in force\); does it watch /,
    );
    assert.ok(existsSync(quizFile));
  });

  it('takes a runtime state whose mesh does not answer for nothing running', async () => {
    const { dir, quizFile } = configCopy();
    const admin = await fakeMeshAdmin(quizFile, () => ({ generation: 1 }));
    await admin.close();
    const result = await quizmesh(['route', 'quiz', 'v3=100', '--config', dir], admin.home);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `quiz: v3 100% → ${quizFile}\n`);
  });
});
