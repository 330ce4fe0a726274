// `quizmesh route` arguments read into a route request: whole weights summing to 100, versions
// named once, header routes as NAME=VALUE:VERSION.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeRouteRequest,
  parseRouteRequest,
  type ParsedRouteRequest,
} from '../../../../mesh-client/routes/route-request.ts';

const message = (parsed: ParsedRouteRequest): string => (parsed.ok ? 'ok' : parsed.message);

describe('parseRouteRequest', () => {
  it('reads a weighted split and header routes in the order given', () => {
    const parsed = parseRouteRequest(
      'quiz',
      ['v1=90', 'v3=10'],
      ['x-quiz-player=alice:v3', 'X-Quiz-Dev=a:b=c:v2'],
    );
    assert.deepEqual(parsed, {
      ok: true,
      request: {
        service: 'quiz',
        split: [
          { version: 'v1', weight: 90 },
          { version: 'v3', weight: 10 },
        ],
        headers: [
          { header: 'x-quiz-player', value: 'alice', version: 'v3' },
          // Header names are lower-cased, as Istio matches them; the value keeps = and :.
          { header: 'x-quiz-dev', value: 'a:b=c', version: 'v2' },
        ],
      },
    });
  });

  it('refuses weights that do not sum to 100, showing the sum', () => {
    assert.equal(
      message(parseRouteRequest('quiz', ['v1=90', 'v3=20'], [])),
      'weights must sum to 100; 90 + 20 = 110',
    );
    assert.match(message(parseRouteRequest('quiz', ['v1=99'], [])), /sum to 100; 99 = 99/);
  });

  it('refuses weights that are not whole numbers from 0 to 100', () => {
    for (const arg of ['v1=50.5', 'v1=-1', 'v1=', 'v1=ten', 'v1=101']) {
      assert.match(
        message(parseRouteRequest('quiz', [arg], [])),
        /whole number from 0 to 100/,
        arg,
      );
    }
  });

  it('refuses a version given twice, a missing split and malformed arguments', () => {
    assert.match(message(parseRouteRequest('quiz', ['v1=50', 'v1=50'], [])), /v1 is given twice/);
    assert.match(message(parseRouteRequest('quiz', [], [])), /at least one <version>=<weight>/);
    assert.match(message(parseRouteRequest(undefined, [], [])), /give a service/);
    assert.match(message(parseRouteRequest('Quiz!', ['v1=100'], [])), /not a service name/);
    assert.match(message(parseRouteRequest('quiz', ['v1'], [])), /not <version>=<weight>/);
  });

  it('refuses header routes that are not NAME=VALUE:VERSION', () => {
    for (const arg of ['x-quiz-player', 'x-quiz-player=alice', '=alice:v3', 'x=:v3', 'x=a:']) {
      assert.equal(parseRouteRequest('quiz', ['v1=100'], [arg]).ok, false, arg);
    }
    assert.match(
      message(parseRouteRequest('quiz', ['v1=100'], ['x-quiz-player=alice'])),
      /is not NAME=VALUE:VERSION/,
    );
  });
});

describe('describeRouteRequest', () => {
  it('says the split and the header routes in one line', () => {
    const parsed = parseRouteRequest('quiz', ['v1=90', 'v3=10'], ['x-quiz-player=alice:v3']);
    assert.ok(parsed.ok);
    assert.equal(
      describeRouteRequest(parsed.request),
      'v1 90% · v3 10% (header x-quiz-player=alice → v3)',
    );
  });
});
