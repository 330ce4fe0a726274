// What the local mesh accepts in a VirtualService's header match: a value that an HTTP header can
// carry (no line break or control character, no surrounding blanks an exact match could never see)
// under a name that is an HTTP token; anything else is refused by file, field and reason.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { isMeshConfigFile } from '../../../../mesh/config/config-files.ts';
import { loadMeshSources, type LoadResult } from '../../../../mesh/config/load.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../../mesh-config/', import.meta.url));

/** The shipped folder with quiz's VirtualService matching `headers` (YAML, one line). */
function withHeaderMatch(headers: string): LoadResult {
  const sources = readdirSync(MESH_CONFIG)
    .filter((file) => isMeshConfigFile(file) && file !== 'virtual-service-quiz.yaml')
    .map((file) => ({ file, text: readFileSync(`${MESH_CONFIG}${file}`, 'utf8') }));
  const quiz = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: quiz, namespace: quiz }
spec:
  hosts: [quiz]
  http:
    - match:
        - headers: ${headers}
      route:
        - destination: { host: quiz, subset: v3 }
    - route:
        - destination: { host: quiz, subset: v1 }
`;
  return loadMeshSources(
    [...sources, { file: 'virtual-service-quiz.yaml', text: quiz }],
    declaredMeshTopology(),
  );
}

const FIELD = 'spec.http[0].match[0].headers["x-quiz-player"]';

function refusal(result: LoadResult): { file: string; field?: string; reason: string } {
  if (result.ok) assert.fail('accepted');
  const [error, ...more] = result.errors;
  assert.ok(error);
  assert.deepEqual(more, []);
  return { file: error.file, field: error.field, reason: error.reason };
}

test('a header value with a newline is refused: no header can carry it', () => {
  const error = refusal(withHeaderMatch('{ x-quiz-player: { exact: "alice\\n" } }'));
  assert.equal(error.file, 'virtual-service-quiz.yaml');
  assert.equal(error.field, `${FIELD}.exact`);
  assert.match(error.reason, /line break or control character .*U\+000A.*never match/);
});

test('control characters are refused in prefix and regex too', () => {
  assert.equal(
    refusal(withHeaderMatch('{ x-quiz-player: { prefix: "al\\rice" } }')).field,
    `${FIELD}.prefix`,
  );
  assert.equal(
    refusal(withHeaderMatch('{ x-quiz-player: { regex: "al\\u0000.*" } }')).field,
    `${FIELD}.regex`,
  );
});

test('an exact value with surrounding blanks is refused: HTTP strips them before matching', () => {
  const error = refusal(withHeaderMatch('{ x-quiz-player: { exact: " alice" } }'));
  assert.equal(error.field, `${FIELD}.exact`);
  assert.match(error.reason, /blank/);
});

test('a header name that is not an HTTP token is refused', () => {
  const error = refusal(withHeaderMatch('{ "x quiz player": { exact: alice } }'));
  assert.equal(error.field, 'spec.http[0].match[0].headers["x quiz player"]');
  assert.match(error.reason, /token/);
});

test('ordinary values, inner blanks, tabs and non-ASCII names are accepted', () => {
  for (const value of ['alice', 'Alice Smith', 'a\\tb', 'Łukasz', '李雷']) {
    const result = withHeaderMatch(`{ x-quiz-player: { exact: "${value}" } }`);
    assert.equal(result.ok, true, JSON.stringify(result.ok ? [] : result.errors));
  }
  assert.equal(withHeaderMatch('{ x-quiz-player: { regex: "^a.*\\\\n$" } }').ok, true);
});
