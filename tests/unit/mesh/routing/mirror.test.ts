// Which requests a route's mirror gets a copy of, and the Host the copy carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpRoute } from '../../../../mesh/config/schema.ts';
import { decideMirror, shadowHost } from '../../../../mesh/routing/mirror.ts';

const route = (extra: Partial<HttpRoute>): HttpRoute => ({
  route: [{ destination: { host: 'quiz', subset: 'v1' } }],
  ...extra,
});
const mirror = { host: 'quiz', subset: 'v3' };

describe('decideMirror', () => {
  it('a route without mirror copies nothing', () => {
    assert.equal(
      decideMirror(route({}), () => 0),
      undefined,
    );
  });

  it('a mirror without mirrorPercentage gets every request', () => {
    assert.deepEqual(
      decideMirror(route({ mirror }), () => 0.999),
      mirror,
    );
  });

  it('mirrorPercentage 50 copies the requests whose draw falls under 50%', () => {
    const half = route({ mirror, mirrorPercentage: { value: 50 } });
    assert.deepEqual(
      decideMirror(half, () => 0.49),
      mirror,
    );
    assert.equal(
      decideMirror(half, () => 0.5),
      undefined,
    );
  });

  it('mirrorPercentage 0 copies nothing, and the draw is made per request', () => {
    assert.equal(
      decideMirror(route({ mirror, mirrorPercentage: { value: 0 } }), () => 0),
      undefined,
    );
    const draws = [0.1, 0.9, 0.2, 0.8];
    const tenth = route({ mirror, mirrorPercentage: { value: 50 } });
    const copied = draws.filter((draw) => decideMirror(tenth, () => draw) !== undefined);
    assert.deepEqual(copied, [0.1, 0.2]);
  });
});

describe('shadowHost', () => {
  it('appends -shadow to the host, before any port, as Envoy does', () => {
    assert.equal(shadowHost('quiz'), 'quiz-shadow');
    assert.equal(shadowHost('quiz.quiz.svc.cluster.local'), 'quiz.quiz.svc.cluster.local-shadow');
    assert.equal(shadowHost('quiz:8080'), 'quiz-shadow:8080');
  });
});
