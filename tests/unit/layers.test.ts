// The direction of imports between top-level folders, as the README's Architecture section lists
// the layers (lowest first). That list is read here, so it is written down once.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP = new Set(['node_modules', '.git', '.quizmesh', 'test-results']);

function layersOf(readme: string): string[] {
  const block = /<!-- layers: lowest first -->\s*```\n([\s\S]*?)```/.exec(readme);
  if (block?.[1] === undefined) throw new Error('README.md has no "layers: lowest first" block');
  return block[1]
    .split('\n')
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

interface Import {
  file: string;
  target: string;
}

/** Every relative import (static, dynamic, type-only and re-export) of every source file. */
function relativeImports(): Import[] {
  return sourceFiles(ROOT).flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles
      .filter((ref) => ref.fileName.startsWith('.'))
      .map((ref) => ({
        file: relative(ROOT, file),
        target: relative(ROOT, resolve(dirname(file), ref.fileName)),
      }));
  });
}

const topOf = (path: string): string => path.split(sep)[0] ?? '';
const isTopLevelFile = (path: string): boolean => !path.includes(sep);

function layerViolations(imports: Import[], layers: string[]): string[] {
  const rank = new Map(layers.map((name, index) => [name, index]));
  return imports.flatMap(({ file, target }) => {
    if (isTopLevelFile(file) || isTopLevelFile(target)) return [];
    const from = topOf(file);
    const to = topOf(target);
    if (from === to) return [];
    // A unit test imports what it tests (tests/unit/<folder>/ mirrors <folder>/), even bench/,
    // which sits above tests/ because it reuses tests/support/.
    if (from === 'tests' && file.split(sep)[1] === 'unit' && file.split(sep)[2] === to) return [];
    const fromRank = rank.get(from);
    const toRank = rank.get(to);
    if (fromRank === undefined) return [`${file}: folder ${from}/ is not in the layer list`];
    if (toRank === undefined) return [`${file} imports ${target}: ${to}/ is not in the layer list`];
    return toRank < fromRank ? [] : [`${file} imports ${target}: ${from} may not import ${to}`];
  });
}

/** services/<name>/ may import itself, kit/ and contracts/ only. */
function serviceViolations(imports: Import[]): string[] {
  const shared = new Set(['kit', 'contracts']);
  return imports.flatMap(({ file, target }) => {
    const [top, service] = file.split(sep);
    const [targetTop, targetService] = target.split(sep);
    if (top !== 'services' || targetTop !== 'services' || service === undefined) return [];
    if (targetService === service || shared.has(targetService ?? '')) return [];
    if (shared.has(service) && targetService !== undefined && !shared.has(targetService)) {
      return [`${file} imports ${target}: shared code may not import a service`];
    }
    return shared.has(service) ? [] : [`${file} imports ${target}: a service imports another`];
  });
}

describe('layers', () => {
  const layers = layersOf(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const imports = relativeImports();

  it('the README lists the layers, each top-level code folder once', () => {
    assert.equal(new Set(layers).size, layers.length);
    const withCode = new Set(
      imports
        .map((i) => i.file)
        .filter((f) => !isTopLevelFile(f))
        .map(topOf),
    );
    for (const folder of withCode) assert.ok(layers.includes(folder), `${folder}/ is not listed`);
  });

  it('every import goes from a layer to one listed above it', () => {
    assert.ok(imports.length > 500, `only ${imports.length} imports found: the scan is broken`);
    assert.deepEqual(layerViolations(imports, layers), []);
  });

  it('a service imports only itself, kit/ and contracts/', () => {
    assert.deepEqual(serviceViolations(imports), []);
  });

  it('an import back down the list is reported with both files', () => {
    const found = layerViolations(
      [
        { file: join('mesh', 'main.ts'), target: join('local', 'ports.ts') },
        { file: join('cli', 'route.ts'), target: join('mesh-client', 'routes', 'apply-route.ts') },
      ],
      ['mesh', 'local', 'mesh-client', 'cli'],
    );
    assert.deepEqual(found, [
      `${join('mesh', 'main.ts')} imports ${join('local', 'ports.ts')}: mesh may not import local`,
    ]);
  });

  it('one service importing another is reported', () => {
    const found = serviceViolations([
      { file: join('services', 'quiz', 'app.ts'), target: join('services', 'scores', 'ledger.ts') },
      { file: join('services', 'quiz', 'app.ts'), target: join('services', 'kit', 'config.ts') },
    ]);
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /a service imports another/);
  });
});
