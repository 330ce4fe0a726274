// AuthorizationPolicy decisions and PeerAuthentication precedence, as Istio documents them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorizationPolicy,
  peerAuthentication,
  type AuthorizationPolicyResource,
  type PeerAuthenticationResource,
} from '../../../../mesh/config/schema.ts';
import { principalOf, type MeshInstance } from '../../../../mesh/config/topology.ts';
import { authorize, valueMatches, type AuthzRequest } from '../../../../mesh/routing/authz.ts';
import {
  connectionSecurityPolicy,
  effectiveMtls,
  mtlsModeFor,
} from '../../../../mesh/routing/peer-auth.ts';

function authz(name: string, spec: unknown, namespace?: string): AuthorizationPolicyResource {
  return authorizationPolicy.parse({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: namespace ? { name, namespace } : { name },
    spec,
  });
}

function peer(name: string, spec: unknown, namespace?: string): PeerAuthenticationResource {
  return peerAuthentication.parse({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: namespace ? { name, namespace } : { name },
    spec,
  });
}

const scores: MeshInstance = {
  workload: 'scores-v1',
  namespace: 'quiz',
  labels: { app: 'scores', version: 'v1' },
  serviceAccount: 'scores',
  service: 'scores',
  host: '127.0.0.1',
  port: 7101,
};

const FRONTEND = principalOf({ namespace: 'quiz', serviceAccount: 'frontend' });
const QUIZ = principalOf({ namespace: 'quiz', serviceAccount: 'quiz' });

const call = (overrides: Partial<AuthzRequest> = {}): AuthzRequest => ({
  principal: QUIZ,
  method: 'POST',
  path: '/answers',
  ...overrides,
});

const quizOnly = authz('scores-from-quiz', {
  selector: { matchLabels: { app: 'scores' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: [QUIZ] } }] }],
});

describe('AuthorizationPolicy', () => {
  it('with no policy every request is allowed', () => {
    assert.deepEqual(authorize([], scores, call({ principal: undefined })), { allowed: true });
  });

  it('allow-nothing (spec: {}) denies a caller no ALLOW policy names', () => {
    const allowNothing = authz('allow-nothing', {});
    assert.deepEqual(authorize([allowNothing], scores, call()), { allowed: false });
    const decision = authorize([allowNothing, quizOnly], scores, call());
    assert.deepEqual(decision, {
      allowed: true,
      policy: 'scores-from-quiz',
      namespace: 'quiz',
      rule: 0,
    });
    assert.equal(
      authorize([allowNothing, quizOnly], scores, call({ principal: FRONTEND })).allowed,
      false,
    );
  });

  it('an ALLOW policy admits only what one of its rules matches', () => {
    assert.equal(authorize([quizOnly], scores, call()).allowed, true);
    assert.equal(authorize([quizOnly], scores, call({ principal: FRONTEND })).allowed, false);
  });

  it('a DENY policy wins over an ALLOW', () => {
    const denyPost = authz('no-writes', {
      action: 'DENY',
      rules: [{ to: [{ operation: { methods: ['POST'] } }] }],
    });
    assert.deepEqual(authorize([quizOnly, denyPost], scores, call()), {
      allowed: false,
      policy: 'no-writes',
      namespace: 'quiz',
      rule: 0,
    });
  });

  it('a DENY policy without rules denies nothing', () => {
    assert.equal(
      authorize([authz('empty-deny', { action: 'DENY' })], scores, call()).allowed,
      true,
    );
  });

  it('a rule {} matches every request (allow-all)', () => {
    const allowAll = authz('allow-all', { rules: [{}] });
    assert.equal(authorize([allowAll], scores, call({ principal: undefined })).allowed, true);
  });

  it('principals match exactly, with a * suffix, a * prefix, or * for any authenticated caller', () => {
    const allow = (principals: string[]) =>
      authz('p', { rules: [{ from: [{ source: { principals } }] }] });
    assert.equal(authorize([allow(['cluster.local/ns/quiz/*'])], scores, call()).allowed, true);
    assert.equal(authorize([allow(['cluster.local/ns/other/*'])], scores, call()).allowed, false);
    assert.equal(authorize([allow(['*/sa/quiz'])], scores, call()).allowed, true);
    assert.equal(authorize([allow(['*'])], scores, call()).allowed, true);
    assert.equal(authorize([allow([`spiffe://${QUIZ}`])], scores, call()).allowed, true);
  });

  it('a caller without mTLS matches no principals, not even *', () => {
    const anyPeer = authz('any-peer', { rules: [{ from: [{ source: { principals: ['*'] } }] }] });
    assert.equal(authorize([anyPeer], scores, call({ principal: undefined })).allowed, false);
  });

  it('notPrincipals leaves out the callers it names', () => {
    const notFrontend = authz('not-frontend', {
      rules: [{ from: [{ source: { notPrincipals: [FRONTEND] } }] }],
    });
    assert.equal(authorize([notFrontend], scores, call({ principal: FRONTEND })).allowed, false);
    assert.equal(authorize([notFrontend], scores, call()).allowed, true);
  });

  it('source namespaces are read from the caller’s identity', () => {
    const fromQuiz = authz('ns', { rules: [{ from: [{ source: { namespaces: ['quiz'] } }] }] });
    assert.equal(authorize([fromQuiz], scores, call()).allowed, true);
    const other = call({ principal: 'cluster.local/ns/load/sa/loadgen' });
    assert.equal(authorize([fromQuiz], scores, other).allowed, false);
    const plain = call({ principal: undefined, namespace: 'quiz' });
    assert.equal(authorize([fromQuiz], scores, plain).allowed, false);
  });

  it('paths match without the query string, with * wildcards, and notPaths leaves paths out', () => {
    const reads = authz('reads', {
      rules: [
        {
          to: [
            {
              operation: {
                methods: ['GET'],
                paths: ['/leaderboard*'],
                notPaths: ['/leaderboard/admin*'],
              },
            },
          ],
        },
      ],
    });
    const get = (path: string) => authorize([reads], scores, call({ method: 'GET', path })).allowed;
    assert.equal(get('/leaderboard?limit=10'), true);
    assert.equal(get('/leaderboard/top'), true);
    assert.equal(get('/leaderboard/admin/reset'), false);
    assert.equal(get('/answers'), false);
    assert.equal(
      authorize([reads], scores, call({ method: 'POST', path: '/leaderboard' })).allowed,
      false,
    );
  });

  it('from and to must both match', () => {
    const quizPosts = authz('quiz-posts', {
      rules: [
        {
          from: [{ source: { principals: [QUIZ] } }],
          to: [{ operation: { methods: ['POST'] } }],
        },
      ],
    });
    assert.equal(authorize([quizPosts], scores, call()).allowed, true);
    assert.equal(authorize([quizPosts], scores, call({ method: 'GET' })).allowed, false);
    assert.equal(authorize([quizPosts], scores, call({ principal: FRONTEND })).allowed, false);
  });

  it('a policy whose selector the workload does not match does not apply to it', () => {
    const imagesOnly = authz('images', { selector: { matchLabels: { app: 'images' } } });
    assert.equal(authorize([imagesOnly], scores, call()).allowed, true);
  });

  it('a policy in istio-system applies mesh-wide; one in another namespace does not', () => {
    const meshWide = authz('deny-all', {}, 'istio-system');
    assert.equal(authorize([meshWide], scores, call()).allowed, false);
    const elsewhere = authz('deny-all', {}, 'other');
    assert.equal(authorize([elsewhere], scores, call()).allowed, true);
  });

  it('value matching: exact, prefix*, *suffix, and * for any non-empty value', () => {
    assert.equal(valueMatches('/api', '/api'), true);
    assert.equal(valueMatches('/api*', '/api/round'), true);
    assert.equal(valueMatches('*.svg', '/images/cat.svg'), true);
    assert.equal(valueMatches('*', ''), false);
  });
});

describe('PeerAuthentication', () => {
  const meshStrict = peer('default', { mtls: { mode: 'STRICT' } }, 'istio-system');
  const quizPermissive = peer('default', { mtls: { mode: 'PERMISSIVE' } });
  const scoresDisabled = peer('scores', {
    selector: { matchLabels: { app: 'scores' } },
    mtls: { mode: 'DISABLE' },
  });

  it('a workload-level PeerAuthentication overrides the namespace’s', () => {
    assert.deepEqual(effectiveMtls([quizPermissive, scoresDisabled], scores), {
      mode: 'DISABLE',
      policy: 'quiz/scores',
    });
  });

  it('a namespace policy overrides the mesh-wide one in istio-system', () => {
    assert.equal(mtlsModeFor([meshStrict, quizPermissive], scores), 'PERMISSIVE');
    assert.equal(mtlsModeFor([meshStrict], scores), 'STRICT');
  });

  it('UNSET inherits from the level below', () => {
    const unset = peer('scores', {
      selector: { matchLabels: { app: 'scores' } },
      mtls: { mode: 'UNSET' },
    });
    assert.deepEqual(effectiveMtls([meshStrict, unset], scores), {
      mode: 'STRICT',
      policy: 'istio-system/default',
    });
  });

  it('a workload policy applies only in its own namespace', () => {
    const elsewhere = peer(
      'scores',
      { selector: { matchLabels: { app: 'scores' } }, mtls: { mode: 'DISABLE' } },
      'other',
    );
    assert.equal(mtlsModeFor([elsewhere], scores), 'PERMISSIVE');
  });

  it('with no policy the mode is PERMISSIVE', () => {
    assert.deepEqual(effectiveMtls([], scores), { mode: 'PERMISSIVE' });
  });

  it('connection_security_policy is mutual_tls for STRICT and PERMISSIVE, none for DISABLE', () => {
    assert.equal(connectionSecurityPolicy('STRICT'), 'mutual_tls');
    assert.equal(connectionSecurityPolicy('PERMISSIVE'), 'mutual_tls');
    assert.equal(connectionSecurityPolicy('DISABLE'), 'none');
  });
});
