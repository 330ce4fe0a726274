// Each kind of mistake in a mesh-config folder, made once in a copy of the shipped config: the
// loader refuses it naming the file, the resource, the field and the reason; the traps Istio
// accepts but that are likely wrong come back from analyze as warnings.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { declaredMeshTopology } from '../../../../local/mesh-topology.ts';
import { analyzeMeshConfig } from '../../../../mesh/config/analyze.ts';
import { formatFinding, type Finding } from '../../../../mesh/config/findings.ts';
import { loadMeshConfig, type LoadResult } from '../../../../mesh/config/load.ts';

const MESH_CONFIG = fileURLToPath(new URL('../../../../mesh-config', import.meta.url));
const IN_FORCE = [
  'gateway.yaml',
  'virtual-service-frontend.yaml',
  'virtual-service-quiz.yaml',
  'virtual-service-descriptions.yaml',
  'destination-rule-all.yaml',
  'peer-authentication.yaml',
  'authorization-policies.yaml',
  'telemetry.yaml',
];
const topology = declaredMeshTopology();
const shipped = (file: string): string => readFileSync(path.join(MESH_CONFIG, file), 'utf8');

/** Loads a copy of the shipped config with `files` written over it (or only `files`). */
function loadWith(files: Record<string, string>, { alone = false } = {}): LoadResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'mesh-config-'));
  try {
    if (!alone)
      for (const file of IN_FORCE) copyFileSync(path.join(MESH_CONFIG, file), path.join(dir, file));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return loadMeshConfig(dir, topology);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function errorsOf(result: LoadResult): Finding[] {
  if (result.ok) assert.fail('the config should have been refused');
  return result.errors;
}

/** Exactly one finding at `file`/`resource`/`field`, whose reason matches. */
function assertFinding(
  findings: readonly Finding[],
  expected: { file: string; resource?: string; field?: string; reason: RegExp },
): void {
  const at = findings.filter(
    (f) =>
      f.file === expected.file && f.resource === expected.resource && f.field === expected.field,
  );
  const all = findings.map((f) => formatFinding(f)).join('\n');
  assert.equal(at.length, 1, `one finding at ${JSON.stringify(expected)} in:\n${all}`);
  assert.match(at[0]?.reason ?? '', expected.reason, all);
}

const virtualService = (
  name: string,
  hosts: string,
  http: string,
): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: quiz
spec:
  hosts: [${hosts}]
  http:
${http}`;

const quizRoute = (http: string): Record<string, string> => ({
  'virtual-service-quiz.yaml': virtualService('quiz', 'quiz', http),
});

test('a YAML syntax error is refused with its line', () => {
  const errors = errorsOf(
    loadWith({
      'virtual-service-quiz.yaml':
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: [quiz\n',
    }),
  );
  assert.deepEqual(
    errors.map((error) => error.file),
    ['virtual-service-quiz.yaml'],
  );
  assert.match(
    errors.map((error) => error.reason).join(),
    /^YAML syntax error at line 5, column \d+: /,
  );
});

test('an unknown kind is refused, naming the kinds the local mesh reads', () => {
  const errors = errorsOf(
    loadWith({
      'service-entry.yaml':
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: external\nspec:\n  hosts: [example.com]\n',
    }),
  );
  assertFinding(errors, {
    file: 'service-entry.yaml',
    resource: 'ServiceEntry/external',
    field: 'kind',
    reason: /ServiceEntry is not supported by the local mesh, which reads Gateway .*Telemetry/,
  });
});

test('an older apiVersion (v1alpha3) is refused with the one to use', () => {
  const text = shipped('virtual-service-quiz.yaml').replace(
    'networking.istio.io/v1',
    'networking.istio.io/v1alpha3',
  );
  const errors = errorsOf(loadWith({ 'virtual-service-quiz.yaml': text }));
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'apiVersion',
    reason: /v1alpha3 is not supported: .*networking\.istio\.io\/v1\b/,
  });
});

test('a value of the wrong type is refused by Istio\'s schema (weight "x")', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n          weight: "x"\n',
      ),
    ),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].route[0].weight',
    reason: /must be an integer, not "x" \(Istio's schema\)/,
  });
});

test('Istio fields the local mesh does not implement (mirrors, corsPolicy) are refused by name', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n      mirrors: [{destination: {host: quiz, subset: v3}}]\n      corsPolicy: {allowOrigins: [{exact: "*"}]}\n',
      ),
    ),
  );
  for (const field of ['mirrors', 'corsPolicy']) {
    assertFinding(errors, {
      file: 'virtual-service-quiz.yaml',
      resource: 'VirtualService/quiz',
      field: `spec.http[0].${field}`,
      reason: new RegExp(
        `^field ${field} is not supported by the local mesh \\(see mesh-config/README.md\\)`,
      ),
    });
  }
});

test('a mirror to v3 of 50% of the requests loads', () => {
  const result = loadWith(
    quizRoute(
      '    - route:\n        - destination: {host: quiz, subset: v1}\n      mirror: {host: quiz, subset: v3}\n      mirrorPercentage: {value: 50}\n',
    ),
  );
  assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.errors));
});

test('a mirrorPercentage past 100% is refused', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n      mirror: {host: quiz, subset: v3}\n      mirrorPercentage: {value: 150}\n',
      ),
    ),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].mirrorPercentage.value',
    reason: /must be at most 100, not 150/,
  });
});

test('a mirror to an undefined subset or an unknown host is refused', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n      mirror: {host: quiz, subset: v9}\n    - route:\n        - destination: {host: quiz, subset: v1}\n      mirror: {host: quizz}\n',
      ),
    ),
  );
  const at = { file: 'virtual-service-quiz.yaml', resource: 'VirtualService/quiz' };
  assertFinding(errors, {
    ...at,
    field: 'spec.http[0].mirror.subset',
    reason: /subset v9 is not defined for host quiz/,
  });
  assertFinding(errors, {
    ...at,
    field: 'spec.http[1].mirror.host',
    reason: /host quizz names no Service/,
  });
});

test('a misspelled field (wieght) is refused, suggesting the right one', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n          wieght: 100\n',
      ),
    ),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].route[0].wieght',
    reason: /field wieght is not supported by the local mesh .*did you mean weight\?/,
  });
});

test('weights that sum to 90 are refused', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n          weight: 80\n        - destination: {host: quiz, subset: v3}\n          weight: 10\n',
      ),
    ),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].route',
    reason: /weights sum to 90 \(80 \+ 10\), not 100/,
  });
});

test('a destination without weight beside a weighted one is refused', () => {
  const errors = errorsOf(
    loadWith(
      quizRoute(
        '    - route:\n        - destination: {host: quiz, subset: v1}\n        - destination: {host: quiz, subset: v3}\n          weight: 10\n',
      ),
    ),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].route[0].weight',
    reason: /is required when a route has several destinations/,
  });
});

test('a subset no DestinationRule defines is refused, listing the defined ones', () => {
  const errors = errorsOf(
    loadWith(quizRoute('    - route:\n        - destination: {host: quiz, subset: v4}\n')),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].route[0].destination.subset',
    reason: /subset v4 is not defined for host quiz: .*defines v1, v2, v3/,
  });
});

test('a subset that selects no instance is refused', () => {
  const text = shipped('destination-rule-all.yaml').replace(
    '    - name: v3\n      labels:\n        version: v3\n',
    '    - name: v3\n      labels:\n        version: v3\n    - name: v4\n      labels:\n        version: v4\n',
  );
  const errors = errorsOf(loadWith({ 'destination-rule-all.yaml': text }));
  assertFinding(errors, {
    file: 'destination-rule-all.yaml',
    resource: 'DestinationRule/quiz',
    field: 'spec.subsets[3].labels',
    reason: /subset v4 selects no instance of quiz/,
  });
});

test('a VirtualService host that names no Service is refused', () => {
  const errors = errorsOf(
    loadWith({
      'virtual-service-quiz.yaml': virtualService(
        'quiz',
        'quizz',
        '    - route:\n        - destination: {host: quiz, subset: v1}\n',
      ),
    }),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.hosts[0]',
    reason:
      /host quizz names no Service \(Services in quiz: frontend, quiz, images, descriptions, scores\)/,
  });
});

test('a destination host that names no Service is refused', () => {
  const errors = errorsOf(
    loadWith(quizRoute('    - route:\n        - destination: {host: quiz-v3}\n')),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.http[0].route[0].destination.host',
    reason: /host quiz-v3 names no Service/,
  });
});

test('a second VirtualService for host quiz is refused', () => {
  const errors = errorsOf(
    loadWith({
      'virtual-service-quiz-canary.yaml': virtualService(
        'quiz-canary',
        'quiz.quiz.svc.cluster.local',
        '    - route:\n        - destination: {host: quiz, subset: v3}\n',
      ),
    }),
  );
  // Files load in name order, so the shipped virtual-service-quiz.yaml comes second.
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'spec.hosts[0]',
    reason:
      /host quiz is already routed by VirtualService quiz-canary \(virtual-service-quiz-canary\.yaml\)/,
  });
});

test('two resources of one kind with the same name are refused', () => {
  const errors = errorsOf(
    loadWith({ 'virtual-service-quiz-copy.yaml': shipped('virtual-service-quiz.yaml') }),
  );
  assertFinding(errors, {
    file: 'virtual-service-quiz.yaml',
    resource: 'VirtualService/quiz',
    field: 'metadata.name',
    reason:
      /duplicate: VirtualService quiz\/quiz is also defined in virtual-service-quiz-copy\.yaml/,
  });
});

test('a gateway that does not exist is refused', () => {
  const text = shipped('virtual-service-frontend.yaml').replace('- quiz-gateway', '- quiz-gatway');
  const errors = errorsOf(loadWith({ 'virtual-service-frontend.yaml': text }));
  assertFinding(errors, {
    file: 'virtual-service-frontend.yaml',
    resource: 'VirtualService/frontend',
    field: 'spec.gateways[0]',
    reason: /Gateway quiz\/quiz-gatway does not exist \(Gateways: quiz\/quiz-gateway\)/,
  });
});

test('a policy selector with an empty matchLabels is refused', () => {
  const errors = errorsOf(
    loadWith({
      'peer-authentication.yaml': shipped('peer-authentication.yaml').replace(
        'spec:\n',
        'spec:\n  selector:\n    matchLabels: {}\n',
      ),
    }),
  );
  assertFinding(errors, {
    file: 'peer-authentication.yaml',
    resource: 'PeerAuthentication/default',
    field: 'spec.selector.matchLabels',
    reason: /is empty/,
  });
});

test('a missing folder has no Istio resources', () => {
  const errors = errorsOf(loadMeshConfig(path.join(tmpdir(), 'no-such-mesh-config'), topology));
  assert.match(errors[0]?.reason ?? '', /^no Istio resources in .*no-such-mesh-config$/);
});

test('an empty folder has no Istio resources', () => {
  const errors = errorsOf(loadWith({}, { alone: true }));
  assert.match(errors[0]?.reason ?? '', /^no Istio resources in /);
});

test('files in subfolders are not in force', () => {
  const result = loadWith({ 'scenarios/broken.yaml': 'kind: [' });
  assert.equal(result.ok, true);
});

test('a file holds several documents, and an empty one between them is skipped', () => {
  const result = loadWith(
    {
      'all.yaml': `${shipped('gateway.yaml')}\n---\n---\n${shipped('virtual-service-frontend.yaml')}`,
      'destination-rule-all.yaml': shipped('destination-rule-all.yaml'),
    },
    { alone: true },
  );
  if (!result.ok) assert.fail(result.errors.map((f) => formatFinding(f)).join('\n'));
  assert.equal(result.config.virtualServices[0]?.source.file, 'all.yaml');
});

// --- Warnings: accepted, but likely wrong -------------------------------------------------------

function warningsWith(files: Record<string, string>): Finding[] {
  const result = loadWith(files);
  if (!result.ok) assert.fail(result.errors.map((f) => formatFinding(f)).join('\n'));
  return analyzeMeshConfig(result.config, topology);
}

test('analyze warns about a DestinationRule without ISTIO_MUTUAL under STRICT mTLS', () => {
  const text = shipped('destination-rule-all.yaml').replace(
    '  host: images\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n',
    '  host: images\n',
  );
  const warnings = warningsWith({ 'destination-rule-all.yaml': text });
  assert.equal(warnings.length, 1);
  assertFinding(warnings, {
    file: 'destination-rule-all.yaml',
    resource: 'DestinationRule/images',
    field: 'spec.trafficPolicy',
    reason: /does not set tls\.mode ISTIO_MUTUAL while PeerAuthentication quiz\/default .*STRICT/,
  });
  assert.equal(warnings[0]?.code, 'IST0113');
});

test('analyze warns about a DestinationRule that sets another TLS mode under STRICT mTLS', () => {
  const text = shipped('destination-rule-all.yaml').replace(
    '  host: scores\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n',
    '  host: scores\n  trafficPolicy:\n    tls:\n      mode: DISABLE\n',
  );
  assertFinding(warningsWith({ 'destination-rule-all.yaml': text }), {
    file: 'destination-rule-all.yaml',
    resource: 'DestinationRule/scores',
    field: 'spec.trafficPolicy.tls.mode',
    reason: /sets tls\.mode DISABLE .*calls fail with 503; use ISTIO_MUTUAL/,
  });
});

test('analyze warns about an AuthorizationPolicy whose selector matches no workload', () => {
  const policy = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: leaderboard
  namespace: quiz
spec:
  selector:
    matchLabels:
      app: leaderboard
  rules:
    - to:
        - operation:
            methods: [GET]
`;
  const warnings = warningsWith({ 'authorization-policy-leaderboard.yaml': policy });
  assert.equal(warnings.length, 1);
  assertFinding(warnings, {
    file: 'authorization-policy-leaderboard.yaml',
    resource: 'AuthorizationPolicy/leaderboard',
    field: 'spec.selector.matchLabels',
    reason: /no workload in quiz has the labels app=leaderboard/,
  });
  assert.equal(warnings[0]?.code, 'IST0127');
});

test('analyze warns about a principal no workload runs as', () => {
  const text = shipped('authorization-policies.yaml').replace(
    '              - cluster.local/ns/quiz/sa/frontend\n      to:',
    '              - cluster.local/ns/quiz/sa/front-end\n      to:',
  );
  assertFinding(warningsWith({ 'authorization-policies.yaml': text }), {
    file: 'authorization-policies.yaml',
    resource: 'AuthorizationPolicy/quiz',
    field: 'spec.rules[0].from[0].source.principals[0]',
    reason: /no workload in quiz runs as service account front-end/,
  });
});
