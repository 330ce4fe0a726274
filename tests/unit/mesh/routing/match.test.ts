// VirtualService match conditions: HTTPMatchRequest and StringMatch as Istio documents them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringMatch, virtualService, type HttpMatch } from '../../../../mesh/config/schema.ts';
import {
  compileHttpMatch,
  compileRouteMatch,
  httpMatchMatches,
  pathOf,
  queryParamsOf,
  type MatchRequest,
} from '../../../../mesh/routing/match.ts';
import { compileStringMatch } from '../../../../mesh/routing/string-match.ts';

/** A match as a VirtualService would carry it, parsed by the mesh's schema. */
function parseMatch(match: unknown): HttpMatch {
  const parsed = virtualService.parse({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'test' },
    spec: {
      hosts: ['quiz'],
      http: [{ match: [match], route: [{ destination: { host: 'quiz' } }] }],
    },
  });
  const first = parsed.spec.http[0]?.match?.[0];
  assert.ok(first);
  return first;
}

function request(overrides: Partial<MatchRequest> = {}): MatchRequest {
  return {
    path: '/api/round',
    method: 'GET',
    headers: {},
    sourceLabels: { app: 'frontend', version: 'v1' },
    gateway: 'mesh',
    ...overrides,
  };
}

const regex = (pattern: string) => compileStringMatch(stringMatch.parse({ regex: pattern }));

describe('HTTPMatchRequest', () => {
  it('a route with no match list matches every request', () => {
    assert.equal(compileRouteMatch(undefined)(request()), true);
    assert.equal(compileRouteMatch([])(request({ method: 'DELETE', path: '/x' })), true);
  });

  it('a regex uri match must match the whole path', () => {
    const match = parseMatch({ uri: { regex: '/api/round' } });
    assert.equal(httpMatchMatches(match, request({ path: '/api/round' })), true);
    assert.equal(httpMatchMatches(match, request({ path: '/api/rounds' })), false);
    assert.equal(httpMatchMatches(match, request({ path: '/v2/api/round' })), false);
  });

  it('uri matches the path without its query string', () => {
    const exact = parseMatch({ uri: { exact: '/api/round' } });
    assert.equal(httpMatchMatches(exact, request({ path: '/api/round?lang=en' })), true);
    const prefix = parseMatch({ uri: { prefix: '/api/' } });
    assert.equal(httpMatchMatches(prefix, request({ path: '/api/round/7/answer' })), true);
    assert.equal(httpMatchMatches(prefix, request({ path: '/apix' })), false);
  });

  it('a missing header never matches, not even a regex .*', () => {
    const match = parseMatch({ headers: { 'end-user': { regex: '.*' } } });
    assert.equal(httpMatchMatches(match, request()), false);
    assert.equal(httpMatchMatches(match, request({ headers: { 'end-user': '' } })), true);
  });

  it('header values match case-sensitively, by exact, prefix or regex', () => {
    const exact = parseMatch({ headers: { 'end-user': { exact: 'jason' } } });
    assert.equal(httpMatchMatches(exact, request({ headers: { 'end-user': 'jason' } })), true);
    assert.equal(httpMatchMatches(exact, request({ headers: { 'end-user': 'Jason' } })), false);
    const prefix = parseMatch({ headers: { 'x-quiz-player': { prefix: 'dev-' } } });
    assert.equal(
      httpMatchMatches(prefix, request({ headers: { 'x-quiz-player': 'dev-7' } })),
      true,
    );
    const pattern = parseMatch({ headers: { cookie: { regex: '.*user=dev.*' } } });
    assert.equal(
      httpMatchMatches(pattern, request({ headers: { cookie: 'a=1; user=dev' } })),
      true,
    );
  });

  it('header names in the match are looked up in lower case', () => {
    const match = parseMatch({ headers: { 'X-Quiz-Canary': { exact: 'yes' } } });
    assert.equal(httpMatchMatches(match, request({ headers: { 'x-quiz-canary': 'yes' } })), true);
  });

  it('all conditions of one match must hold, and any match of the list suffices', () => {
    const both = parseMatch({ uri: { prefix: '/api/' }, method: { exact: 'POST' } });
    assert.equal(httpMatchMatches(both, request({ method: 'POST' })), true);
    assert.equal(httpMatchMatches(both, request({ method: 'GET' })), false);
    const either = compileRouteMatch([
      parseMatch({ uri: { prefix: '/wpcatalog' } }),
      parseMatch({ uri: { prefix: '/consumercatalog' } }),
    ]);
    assert.equal(either(request({ path: '/consumercatalog/1' })), true);
    assert.equal(either(request({ path: '/catalog' })), false);
  });

  it('a query parameter given without a value matches exact ""', () => {
    const match = parseMatch({ queryParams: { dev: { exact: '' } } });
    assert.equal(httpMatchMatches(match, request({ path: '/api/round?dev' })), true);
    assert.equal(httpMatchMatches(match, request({ path: '/api/round?lang=en' })), false);
  });

  it('a query parameter regex \\d+$ matches 123 but not a123 or 123a', () => {
    const match = parseMatch({ queryParams: { key: { regex: '\\d+$' } } });
    assert.equal(httpMatchMatches(match, request({ path: '/?key=123' })), true);
    assert.equal(httpMatchMatches(match, request({ path: '/?key=a123' })), false);
    assert.equal(httpMatchMatches(match, request({ path: '/?key=123a' })), false);
  });

  it('the first value of a repeated query parameter is the one matched, percent-decoded', () => {
    assert.deepEqual(
      [...queryParamsOf('/x?player=%E6%9D%8E%E9%9B%B7&player=bob&flag#frag')],
      [
        ['player', '李雷'],
        ['flag', ''],
      ],
    );
    assert.equal(pathOf('/x/y?z=1#f'), '/x/y');
  });

  it('sourceLabels must be a subset of the calling workload labels', () => {
    const match = parseMatch({ sourceLabels: { app: 'frontend' } });
    assert.equal(httpMatchMatches(match, request()), true);
    const v2 = parseMatch({ sourceLabels: { app: 'frontend', version: 'v2' } });
    assert.equal(httpMatchMatches(v2, request()), false);
  });

  it('a match naming gateways applies only at those gateways, whatever the sourceLabels', () => {
    const match = compileHttpMatch(
      parseMatch({ gateways: ['quiz-gateway'], sourceLabels: { app: 'nobody' } }),
      'quiz',
    );
    assert.equal(match(request({ gateway: 'quiz-gateway' })), true);
    assert.equal(match(request({ gateway: 'quiz/quiz-gateway' })), true);
    assert.equal(match(request({ gateway: 'mesh' })), false);
  });

  it('an unqualified gateway name lives in the VirtualService namespace', () => {
    const match = compileHttpMatch(parseMatch({ gateways: ['edge'] }), 'istio-system');
    assert.equal(match(request({ gateway: 'istio-system/edge' })), true);
    assert.equal(match(request({ gateway: 'edge' })), false);
  });

  it('the method is matched as a StringMatch', () => {
    const match = parseMatch({ method: { regex: 'GET|HEAD' } });
    assert.equal(httpMatchMatches(match, request({ method: 'HEAD' })), true);
    assert.equal(httpMatchMatches(match, request({ method: 'POST' })), false);
  });
});

describe('StringMatch regex (RE2 semantics)', () => {
  it('alternation still finds the way to the end of the value', () => {
    assert.equal(regex('a|ab')('ab'), true);
  });

  it('RE2 spellings JavaScript lacks are understood: (?i), (?P<name>), \\A, \\z, \\Q…\\E', () => {
    assert.equal(regex('(?i)jason')('JASON'), true);
    assert.equal(regex('(?P<round>\\d+)')('42'), true);
    assert.equal(regex('\\A/api\\z')('/api'), true);
    assert.equal(regex('\\Qv1.0\\E')('v1.0'), true);
    assert.equal(regex('\\Qv1.0\\E')('v1x0'), false);
  });

  it('a multi-line flag does not let a match stop at a line end', () => {
    assert.equal(regex('(?m)a')('a\nb'), false);
  });

  it('a dot is one character, even outside the Basic Multilingual Plane', () => {
    assert.equal(regex('.')('😀'), true);
  });

  it('a regex JavaScript cannot run is refused when compiled', () => {
    assert.throws(() => regex('(unclosed'), /cannot be used/);
  });
});
