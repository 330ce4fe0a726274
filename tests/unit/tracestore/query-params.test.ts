import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeIssues } from '../../../services/kit/config.ts';
import { parseAnnotationQuery } from '../../../tracestore/query.ts';
import { serviceParams, traceManyParams, traceParams } from '../../../tracestore/query-params.ts';
import { spanListSchema } from '../../../tracestore/span-schema.ts';

function parseSpans(body: unknown) {
  const result = spanListSchema.safeParse(body);
  return result.success
    ? { spans: result.data, error: undefined }
    : { spans: undefined, error: describeIssues(result.error) };
}

describe('span validation', () => {
  test('a span as @opentelemetry/exporter-zipkin sends it is kept, names lower-cased', () => {
    const sent = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      name: 'GET /rounds/:id',
      id: '53995c3f42cd8ad8',
      kind: 'SERVER',
      timestamp: 1_700_000_000_000_123,
      duration: 2_345,
      localEndpoint: { serviceName: 'quiz' },
      tags: { 'http.method': 'GET', 'otel.status_code': 'ERROR', error: 'boom' },
      annotations: undefined,
    };

    assert.deepEqual(parseSpans([sent]).spans, [
      {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentId: '00f067aa0ba902b7',
        name: 'get /rounds/:id',
        id: '53995c3f42cd8ad8',
        kind: 'SERVER',
        timestamp: 1_700_000_000_000_123,
        duration: 2_345,
        localEndpoint: { serviceName: 'quiz' },
        tags: { 'http.method': 'GET', 'otel.status_code': 'ERROR', error: 'boom' },
      },
    ]);
  });

  test('ids are lower-cased, and a 128-bit trace id with a zero upper half is shortened', () => {
    const { spans } = parseSpans([
      { traceId: '0000000000000000ABCDEF0123456789', id: 'ABCDEF0123456789' },
      { traceId: 'ABCDEF0123456789ABCDEF0123456789', id: '0123456789ABCDEF', parentId: null },
    ]);

    assert.deepEqual(spans, [
      { traceId: 'abcdef0123456789', id: 'abcdef0123456789' },
      { traceId: 'abcdef0123456789abcdef0123456789', id: '0123456789abcdef' },
    ]);
  });

  test('empty, zero and null fields are dropped as Zipkin drops them', () => {
    const { spans } = parseSpans([
      {
        traceId: 'abcdef0123456789',
        id: '0000000000000002',
        parentId: '0000000000000000',
        name: '',
        kind: 'CLIENT',
        shared: true,
        debug: false,
        timestamp: 0,
        duration: null,
        localEndpoint: { serviceName: '', port: 0 },
        remoteEndpoint: { serviceName: 'Scores', ipv4: '127.0.0.1', port: 9104 },
        tags: {},
        annotations: [
          { timestamp: 2, value: 'b' },
          { timestamp: 1, value: 'a' },
          { timestamp: 2, value: 'b' },
        ],
        unknownField: 'ignored',
      },
    ]);

    assert.deepEqual(spans, [
      {
        traceId: 'abcdef0123456789',
        id: '0000000000000002',
        kind: 'CLIENT',
        remoteEndpoint: { serviceName: 'scores', ipv4: '127.0.0.1', port: 9104 },
        annotations: [
          { timestamp: 1, value: 'a' },
          { timestamp: 2, value: 'b' },
        ],
      },
    ]);
  });

  test('a span naming itself as its parent is read as a root', () => {
    const { spans } = parseSpans([
      { traceId: 'abcdef0123456789', id: 'abcdef0123456789', parentId: 'ABCDEF0123456789' },
    ]);
    assert.equal(spans?.[0]?.parentId, undefined);
  });

  test('malformed ids are rejected, naming the span and the field', () => {
    assert.equal(
      parseSpans([
        { traceId: 'abcdef0123456789', id: 'abcdef0123456789' },
        { traceId: 'abc', id: 'xyz0123456789abc' },
      ]).error,
      '1.traceId: trace id must be 16 or 32 hex characters, not all 0; ' +
        '1.id: span id must be 16 hex characters, not all 0',
    );
    assert.equal(
      parseSpans([{ traceId: '00000000000000000000000000000000', id: 'abcdef0123456789' }]).error,
      '0.traceId: trace id must be 16 or 32 hex characters, not all 0',
    );
    assert.equal(
      parseSpans([{ traceId: 'abcdef0123456789', id: 'abcdef0123456789', parentId: 'abc' }]).error,
      '0.parentId: parent id must be 16 hex characters',
    );
  });

  test('a body that is not an array of spans is rejected', () => {
    assert.match(parseSpans({ spans: [] }).error ?? '', /expected array/);
    assert.match(parseSpans([null]).error ?? '', /^0: .*expected object/);
    assert.match(parseSpans([{ traceId: 'abcdef0123456789' }]).error ?? '', /^0\.id: /);
  });

  test('tag values must be strings and times whole microseconds', () => {
    const base = { traceId: 'abcdef0123456789', id: 'abcdef0123456789' };
    assert.equal(
      parseSpans([{ ...base, tags: { 'http.status_code': 500 } }]).error,
      '0.tags.http.status_code: tag values must be strings',
    );
    assert.equal(
      parseSpans([{ ...base, timestamp: 1.5 }]).error,
      '0.timestamp: must be whole microseconds',
    );
    assert.match(parseSpans([{ ...base, kind: 'LOCAL' }]).error ?? '', /^0\.kind: /);
  });
});

describe('annotationQuery', () => {
  test('bare terms and key=value terms are joined by " and "', () => {
    assert.deepEqual(
      [...parseAnnotationQuery('error and http.method = GET and cache.miss')],
      [
        ['error', ''],
        ['http.method', 'GET'],
        ['cache.miss', ''],
      ],
    );
  });

  test('a later key=value wins, and a bare term never widens one', () => {
    assert.deepEqual(
      [...parseAnnotationQuery('http.method=GET and http.method=POST and http.method')],
      [['http.method', 'POST']],
    );
  });

  test('a value may itself hold "=", and empty terms are ignored', () => {
    assert.deepEqual([...parseAnnotationQuery(' and url=/a?b=c and ')], [['url', '/a?b=c']]);
  });
});

describe('trace query parameters', () => {
  test('defaults are the last day and ten traces', () => {
    const before = Date.now();
    const query = traceParams.parse({});
    assert.ok(query.endTs >= before && query.endTs <= Date.now());
    assert.equal(query.lookback, 86_400_000);
    assert.equal(query.limit, 10);
  });

  test('names are lower-cased, spanName "all" and blank fields mean no filter', () => {
    const query = traceParams.parse({
      serviceName: 'Quiz',
      spanName: 'all',
      remoteServiceName: '',
      minDuration: '',
      annotationQuery: 'error',
    });
    assert.equal(query.serviceName, 'quiz');
    assert.equal(query.spanName, undefined);
    assert.equal(query.remoteServiceName, undefined);
    assert.equal(query.minDuration, undefined);
    assert.deepEqual([...(query.annotationQuery ?? [])], [['error', '']]);
  });

  test('bad numbers and an inverted duration range are rejected with readable messages', () => {
    const bad = traceParams.safeParse({ limit: '0', minDuration: 'x', lookback: '1.5' });
    assert.equal(bad.success, false);
    assert.equal(
      describeIssues(bad.error),
      'minDuration: Invalid input: expected number, received NaN; ' +
        'limit: must be greater than 0; lookback: must be a whole number',
    );
    const inverted = traceParams.safeParse({ minDuration: '10', maxDuration: '5' });
    assert.equal(
      describeIssues(inverted.error ?? assert.fail('accepted')),
      'maxDuration: must not be less than minDuration',
    );
  });

  test('maxDuration without minDuration is rejected, as Zipkin rejects it', () => {
    const alone = traceParams.safeParse({ maxDuration: '5000' });
    assert.equal(
      describeIssues(alone.error ?? assert.fail('accepted')),
      'maxDuration: is only valid with minDuration',
    );
  });

  test('traceMany takes comma-separated ids, normalized', () => {
    assert.deepEqual(traceManyParams.parse({ traceIds: 'ABCDEF0123456789, 0123456789abcdef' }), {
      traceIds: ['abcdef0123456789', '0123456789abcdef'],
    });
    assert.equal(
      describeIssues(traceManyParams.safeParse({}).error ?? assert.fail('accepted')),
      'traceIds: required',
    );
  });

  test('traceMany refuses one id and an id asked twice, as Zipkin does', () => {
    assert.equal(
      describeIssues(
        traceManyParams.safeParse({ traceIds: '0123456789abcdef' }).error ??
          assert.fail('accepted'),
      ),
      'traceIds: use /api/v2/trace/{traceId} for a single trace',
    );
    assert.equal(
      describeIssues(
        traceManyParams.safeParse({
          traceIds: 'abcdef0123456789,0123456789abcdef,ABCDEF0123456789',
        }).error ?? assert.fail('accepted'),
      ),
      'traceIds: redundant trace id abcdef0123456789',
    );
  });
});

describe('service name parameters', () => {
  test('serviceName must be given, but may be empty (Zipkin then lists no names)', () => {
    assert.deepEqual(serviceParams.parse({ serviceName: '' }), { serviceName: '' });
    assert.deepEqual(serviceParams.parse({ serviceName: ' Quiz ' }), { serviceName: 'quiz' });
    assert.equal(
      describeIssues(serviceParams.safeParse({}).error ?? assert.fail('accepted')),
      'serviceName: required',
    );
  });
});
