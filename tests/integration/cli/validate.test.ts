// `quizmesh validate` run as a user would run it, in a child process: its lines, verdict and exit
// status.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runQuizmesh, type CliResult } from '../../support/quizmesh-cli.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../mesh-config', import.meta.url));
/** The shipped scenarios, each checked in place of what it replaces. */
const SCENARIOS = readdirSync(path.join(MESH_CONFIG, 'scenarios')).filter((f) =>
  f.endsWith('.yaml'),
).length;

const quizmesh = (args: string[]): Promise<CliResult> => runQuizmesh(args);

/** A copy of the shipped mesh-config/, scenarios included, to break. */
function copyOfMeshConfig(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mesh-config-cli-'));
  cpSync(MESH_CONFIG, dir, { recursive: true });
  return dir;
}

test('quizmesh validate --scenarios accepts the shipped mesh-config and exits 0', async () => {
  const result = await quizmesh(['validate', MESH_CONFIG, '--scenarios']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(
    result.stdout,
    new RegExp(
      `: valid: \\d+ resources in 8 files, and ${String(SCENARIOS)} scenarios each in place; 0 warnings\\n$`,
    ),
  );
  assert.equal(result.stdout.trim().split('\n').length, 1);
});

test('quizmesh validate prints file: Kind/name: field: reason and exits 1 on an error', async () => {
  const dir = copyOfMeshConfig();
  try {
    const file = path.join(dir, 'virtual-service-quiz.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('subset: v1', 'subset: v9'));
    const result = await quizmesh(['validate', dir]);
    assert.equal(result.code, 1);
    const [line, verdict] = result.stdout.trim().split('\n');
    assert.equal(
      line?.startsWith(
        `${file}: VirtualService/quiz: spec.http[0].route[0].destination.subset: subset v9 is not defined`,
      ),
      true,
      line,
    );
    assert.equal(verdict, `${dir}: refused: 1 error, 0 warnings`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quizmesh validate --scenarios names the scenario that does not validate', async () => {
  const dir = copyOfMeshConfig();
  try {
    const file = path.join(dir, 'scenarios', 'virtual-service-quiz-v1-50-v3-50.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('weight: 50\n', 'weight: 40\n'));
    const result = await quizmesh(['validate', dir, '--scenarios']);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /scenarios\/virtual-service-quiz-v1-50-v3-50\.yaml: VirtualService\/quiz: spec\.http\[0\]\.route: weights sum to 90/,
    );
    // One check of the folder in force, then one per scenario in place.
    const checks = String(SCENARIOS + 1);
    assert.match(
      result.stdout,
      new RegExp(`refused: 1 error \\(1 of ${checks} checks failed\\), 0 warnings\\n$`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quizmesh validate shows warnings after errors and still exits 0 on warnings alone', async () => {
  const dir = copyOfMeshConfig();
  try {
    const file = path.join(dir, 'destination-rule-all.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '  host: images\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n',
        '  host: images\n',
      ),
    );
    const result = await quizmesh(['validate', dir]);
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      /^warning: .*destination-rule-all\.yaml: DestinationRule\/images: spec\.trafficPolicy: .* \[IST0113\]\n/,
    );
    assert.match(result.stdout, /: valid: .*; 1 warning\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quizmesh validate with an unknown option or two folders is a usage error (exit 2)', async () => {
  for (const args of [['--strict'], ['a', 'b']]) {
    const result = await quizmesh(['validate', ...args]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /See 'quizmesh validate --help'/);
    assert.equal(result.stdout, '');
  }
});

test('quizmesh validate --help shows the usage and exits 0', async () => {
  const result = await quizmesh(['validate', '--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: quizmesh validate \[DIR\] \[--scenarios\]/);
});
