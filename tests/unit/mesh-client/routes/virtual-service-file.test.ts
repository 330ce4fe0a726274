// The YAML rewrite behind `quizmesh route`: spec.http of the VirtualService that routes a service
// is replaced, and the rest of the file (comments, key order, other documents) is left as it was.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readConfigFolder } from '../../../../mesh-client/routes/config-folder.ts';
import {
  parseRouteRequest,
  type RouteRequest,
} from '../../../../mesh-client/routes/route-request.ts';
import { editRoutes, type RouteEdit } from '../../../../mesh-client/routes/virtual-service-file.ts';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { formatFinding } from '../../../../mesh/config/findings.ts';
import { loadMeshSources, type MeshSource } from '../../../../mesh/config/load.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../../mesh-config', import.meta.url));
const scenario = (name: string): string => readFileSync(`${MESH_CONFIG}/scenarios/${name}`, 'utf8');

function shipped(replace: Record<string, string> = {}): MeshSource[] {
  const folder = readConfigFolder(MESH_CONFIG);
  if (!folder.ok) assert.fail(folder.message);
  return folder.sources.map((s) => ({ ...s, text: replace[s.file] ?? s.text }));
}

function request(args: string): RouteRequest {
  const [service, ...rest] = args.split(' ');
  const headers = rest.filter((a) => a.includes(':'));
  const parsed = parseRouteRequest(
    service,
    rest.filter((a) => !a.includes(':')),
    headers,
  );
  if (!parsed.ok) assert.fail(parsed.message);
  return parsed.request;
}

/** The sources with the edit in place, checked as the mesh would load them. */
function assertValid(sources: readonly MeshSource[], edit: RouteEdit): MeshSource[] {
  const next = [
    ...sources.filter((s) => s.file !== edit.file),
    { file: edit.file, text: edit.after },
  ];
  const result = loadMeshSources(next, declaredMeshTopology());
  if (!result.ok) assert.fail(result.errors.map((f) => formatFinding(f)).join('\n'));
  return next;
}

const httpOf = (text: string): unknown => (parse(text) as { spec: { http: unknown } }).spec.http;

const destination = (subset: string) => ({ destination: { host: 'quiz', subset } });

describe('editRoutes', () => {
  it('rewrites spec.http of virtual-service-quiz.yaml and keeps its leading comment block', () => {
    const sources = shipped();
    const before = sources.find((s) => s.file === 'virtual-service-quiz.yaml')?.text ?? '';
    const edit = editRoutes(sources, request('quiz v1=90 v3=10'));
    assertValid(sources, edit);

    assert.equal(edit.file, 'virtual-service-quiz.yaml');
    assert.equal(edit.created, false);
    assert.equal(edit.before, before);
    // Everything up to spec.http, the comments first, is byte for byte what it was.
    const head = before.slice(0, before.indexOf('  http:\n') + '  http:\n'.length);
    assert.ok(head.startsWith('# The live route to quiz'), head);
    assert.ok(edit.after.startsWith(head), edit.after);
    assert.deepEqual(httpOf(edit.after), [
      {
        route: [
          { ...destination('v1'), weight: 90 },
          { ...destination('v3'), weight: 10 },
        ],
      },
    ]);
  });

  it('puts header routes first, in the order given, each to its version', () => {
    const sources = shipped();
    const edit = editRoutes(
      sources,
      request('quiz v1=100 x-quiz-player=alice:v3 x-quiz-player=bob:v2'),
    );
    assertValid(sources, edit);
    assert.deepEqual(httpOf(edit.after), [
      { match: [{ headers: { 'x-quiz-player': { exact: 'alice' } } }], route: [destination('v3')] },
      { match: [{ headers: { 'x-quiz-player': { exact: 'bob' } } }], route: [destination('v2')] },
      { route: [{ ...destination('v1'), weight: 100 }] },
    ]);
    assert.match(edit.after, /exact: alice\n/);
  });

  it('gives the same file when run a second time with the same arguments', () => {
    const asked = request('quiz v1=50 v3=50 x-quiz-player=alice:v3');
    const first = editRoutes(shipped(), asked);
    const second = editRoutes(shipped({ [first.file]: first.after }), asked);
    assert.equal(second.before, first.after);
    assert.equal(second.after, first.after);
  });

  it('keeps the timeout and retries of the old catch-all route, with their comments', () => {
    const withRetries = scenario('virtual-service-quiz-timeout-retries.yaml').replace(
      'attempts: 3',
      'attempts: 3 # three tries after the first',
    );
    const sources = shipped({ 'virtual-service-quiz.yaml': withRetries });
    const edit = editRoutes(sources, request('quiz v1=90 v3=10'));
    assertValid(sources, edit);
    assert.deepEqual(httpOf(edit.after), [
      {
        timeout: '3s',
        retries: {
          attempts: 3,
          perTryTimeout: '1s',
          retryOn: '5xx,gateway-error,connect-failure,reset',
        },
        route: [
          { ...destination('v1'), weight: 90 },
          { ...destination('v3'), weight: 10 },
        ],
      },
    ]);
    assert.match(edit.after, /attempts: 3 # three tries after the first\n/);
  });

  it('drops the fault and the match routes it replaces', () => {
    const sources = shipped({
      'virtual-service-descriptions.yaml': scenario(
        'virtual-service-descriptions-fault-abort.yaml',
      ),
      'virtual-service-quiz.yaml': scenario('virtual-service-quiz-header-dev-v3.yaml'),
    });
    const descriptions = editRoutes(sources, request('descriptions v1=100'));
    assert.deepEqual(httpOf(descriptions.after), [
      { route: [{ destination: { host: 'descriptions', subset: 'v1' }, weight: 100 }] },
    ]);
    const quiz = editRoutes(sources, request('quiz v2=100'));
    assert.deepEqual(httpOf(quiz.after), [{ route: [{ ...destination('v2'), weight: 100 }] }]);
    assert.ok(quiz.after.startsWith('# Dark launch: the developer gets v3'));
  });

  it('creates virtual-service-<service>.yaml when no VirtualService routes the service', () => {
    const sources = shipped();
    const edit = editRoutes(sources, request('images v1=100'));
    assertValid(sources, edit);
    assert.equal(edit.file, 'virtual-service-images.yaml');
    assert.equal(edit.created, true);
    assert.equal(edit.before, undefined);
    assert.deepEqual(parse(edit.after), {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'images', namespace: 'quiz' },
      spec: {
        hosts: ['images'],
        http: [{ route: [{ destination: { host: 'images', subset: 'v1' }, weight: 100 }] }],
      },
    });
    assert.match(edit.after, /^# The route to images inside the mesh/);
    // Created once, found the next time.
    const again = editRoutes(
      shipped({}).concat({ file: edit.file, text: edit.after }),
      request('images v1=100'),
    );
    assert.equal(again.created, false);
    assert.equal(again.after, edit.after);
  });

  it('does not take a VirtualService bound only to a gateway, nor its file name', () => {
    const sources = shipped();
    const edit = editRoutes(sources, request('frontend v1=100'));
    assertValid(sources, edit);
    assert.equal(edit.created, true);
    assert.equal(edit.file, 'virtual-service-frontend-mesh.yaml');
    assert.equal(
      (parse(edit.after) as { metadata: { name: string } }).metadata.name,
      'frontend-mesh',
    );
  });

  it('finds the VirtualService in a file of several documents and leaves the others byte for byte', () => {
    const quiz = shipped().find((s) => s.file === 'virtual-service-quiz.yaml')?.text ?? '';
    const other =
      '# Another resource, in flow style.\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
    const text = `${other}---\n${quiz}---\n${other}`;
    const edit = editRoutes([{ file: 'all.yaml', text }], request('quiz v3=100'));
    assert.equal(edit.file, 'all.yaml');
    assert.ok(edit.after.startsWith(`${other}---\n# The live route to quiz`), edit.after);
    assert.ok(edit.after.endsWith(`---\n${other}`), edit.after);
    assert.match(edit.after, /subset: v3\n {10}weight: 100\n---\n/);
  });

  it('matches the host however the VirtualService spells it', () => {
    const quiz = shipped()
      .find((s) => s.file === 'virtual-service-quiz.yaml')
      ?.text.replace('    - quiz\n', '    - quiz.quiz.svc.cluster.local\n');
    const edit = editRoutes([{ file: 'vs.yaml', text: quiz ?? '' }], request('quiz v3=100'));
    assert.equal(edit.created, false);
    assert.match(edit.after, /- quiz\.quiz\.svc\.cluster\.local\n/);
  });
});
