// A YAML file as the mesh reads it, bounded as a Kubernetes API server bounds an object: bytes per
// file, documents per file, keys per mapping, items per list, nesting and aliases. Over-limit input
// is refused by file, field and reason, and duplicate keys are still refused with their line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../../../mesh/config/limits.ts';
import { readDocuments } from '../../../../mesh/config/yaml-documents.ts';

const VIRTUAL_SERVICE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: quiz
  namespace: quiz
spec:
  hosts: [quiz]
  http:
    - route:
        - destination: { host: quiz, subset: v1 }
`;

/** The VirtualService with `n` annotations `k0: v` … (32k of them is the 427 KB file). */
function annotated(n: number): string {
  const keys = Array.from({ length: n }, (_, i) => `    k${i}: v`).join('\n');
  return VIRTUAL_SERVICE.replace(
    '  namespace: quiz\n',
    `  namespace: quiz\n  annotations:\n${keys}\n`,
  );
}

test('a mapping of 32k annotation keys is refused by its field, naming the limit', () => {
  const result = readDocuments({ file: 'big.yaml', text: annotated(32_000) });
  assert.deepEqual(result.documents, []);
  assert.deepEqual(result.errors, [
    {
      file: 'big.yaml',
      resource: 'VirtualService/quiz',
      field: 'metadata.annotations',
      reason: `has 32000 keys: the local mesh reads at most ${LIMITS.keysPerMapping} per mapping`,
    },
  ]);
});

test('a mapping at the key limit is read', () => {
  const result = readDocuments({ file: 'ok.yaml', text: annotated(LIMITS.keysPerMapping) });
  assert.deepEqual(result.errors, []);
  assert.equal(result.documents.length, 1);
});

test('a duplicate key is still refused with its line and column', () => {
  const text = VIRTUAL_SERVICE.replace('  namespace: quiz\n', '  namespace: quiz\n  name: again\n');
  const result = readDocuments({ file: 'dup.yaml', text });
  assert.equal(result.documents.length, 0);
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0]?.file, 'dup.yaml');
  assert.match(result.errors[0].reason, /^YAML syntax error at line 6, column 3: .*unique/);
});

test('a file over the byte limit is refused before it is parsed', () => {
  const text = `${VIRTUAL_SERVICE}# ${'x'.repeat(LIMITS.bytesPerFile)}\n`;
  const result = readDocuments({ file: 'huge.yaml', text });
  assert.deepEqual(result.documents, []);
  assert.equal(result.errors.length, 1);
  assert.match(
    result.errors[0]?.reason ?? '',
    /^is 1\.5 MiB: the local mesh reads files up to 1\.5 MiB/,
  );
});

test('a file of more documents than the limit is refused', () => {
  const text = Array.from({ length: LIMITS.documentsPerFile + 1 }, () => VIRTUAL_SERVICE).join(
    '---\n',
  );
  const result = readDocuments({ file: 'many.yaml', text });
  assert.deepEqual(result.documents, []);
  assert.deepEqual(result.errors, [
    {
      file: 'many.yaml',
      reason: `holds ${LIMITS.documentsPerFile + 1} YAML documents: the local mesh reads at most ${LIMITS.documentsPerFile} per file`,
    },
  ]);
});

test('a list longer than the limit is refused by its field', () => {
  const hosts = Array.from({ length: LIMITS.itemsPerList + 1 }, (_, i) => `h${i}`).join(', ');
  const text = VIRTUAL_SERVICE.replace('hosts: [quiz]', `hosts: [${hosts}]`);
  const [error] = readDocuments({ file: 'long.yaml', text }).errors;
  assert.equal(error?.field, 'spec.hosts');
  assert.equal(
    error.reason,
    `lists ${LIMITS.itemsPerList + 1} items: the local mesh reads at most ${LIMITS.itemsPerList} per list`,
  );
});

test('nesting deeper than the limit is refused at the level it passes the limit', () => {
  const deep = `${'['.repeat(LIMITS.depth + 5)}1${']'.repeat(LIMITS.depth + 5)}`;
  const text = VIRTUAL_SERVICE.replace('hosts: [quiz]', `hosts: ${deep}`);
  const [error] = readDocuments({ file: 'deep.yaml', text }).errors;
  assert.equal(error?.resource, 'VirtualService/quiz');
  assert.match(error.field ?? '', /^spec\.hosts(\[0\])+$/);
  assert.equal(
    error.reason,
    `nests deeper than ${LIMITS.depth} levels: the local mesh reads at most ${LIMITS.depth}`,
  );
});

test('an alias bomb is refused, naming the alias limit', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
    'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
    'i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
    'j: &j [*i, *i, *i, *i, *i, *i, *i, *i, *i]',
    'k: &k [*j, *j, *j, *j, *j, *j, *j, *j, *j]',
    'l: &l [*k, *k, *k, *k, *k, *k, *k, *k, *k]',
    'm: [*l, *l, *l, *l, *l, *l, *l, *l, *l]',
  ].join('\n');
  const result = readDocuments({ file: 'bomb.yaml', text: `${bomb}\n` });
  assert.deepEqual(result.documents, []);
  assert.equal(result.errors.length, 1);
  assert.match(
    result.errors[0]?.reason ?? '',
    new RegExp(`more than ${LIMITS.aliasesPerDocument} aliases`),
  );
});
