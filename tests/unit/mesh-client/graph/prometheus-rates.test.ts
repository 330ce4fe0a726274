// The graph's Prometheus query and how its answer is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  requestRatesFromAnswer,
  requestRatesQuery,
} from '../../../../mesh-client/graph/prometheus-rates.ts';

const BY =
  'reporter, source_workload, source_app, source_version, source_canonical_service, destination_workload, destination_app, destination_version, destination_canonical_service, destination_service_name, response_code';

describe('the Prometheus query behind the graph', () => {
  it('sums the source reports, and the destination reports of callers without a sidecar, by the labels the graph reads', () => {
    assert.equal(
      requestRatesQuery(60),
      `sum by (${BY}) (rate(istio_requests_total{reporter="source"}[60s])) or sum by (${BY}) (rate(istio_requests_total{reporter="destination", source_workload="unknown"}[60s]))`,
    );
  });

  it('gives a window of part seconds in milliseconds, which every Prometheus version reads', () => {
    assert.match(requestRatesQuery(2.5), /\[2500ms\]\)\) or /);
  });

  it('reads an instant vector answer into rates, NaN included', () => {
    const rates = requestRatesFromAnswer({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { source_app: 'quiz', response_code: '200' }, value: [1700000000.5, '12.5'] },
          { metric: {}, value: [1700000000.5, 'NaN'] },
        ],
      },
    });
    assert.deepEqual(rates[0], {
      labels: { source_app: 'quiz', response_code: '200' },
      perSecond: 12.5,
    });
    assert.ok(Number.isNaN(rates[1]?.perSecond));
  });

  it("refuses an error answer with Prometheus's own message, and any answer but an instant vector", () => {
    assert.throws(
      () =>
        requestRatesFromAnswer({
          status: 'error',
          errorType: 'bad_data',
          error: 'invalid parameter "query": parse error',
        }),
      /^Error: Prometheus refused the query \(bad_data\): invalid parameter "query": parse error$/,
    );
    assert.throws(
      () =>
        requestRatesFromAnswer({ status: 'success', data: { resultType: 'matrix', result: [] } }),
      /not an instant vector answer/,
    );
    assert.throws(() => requestRatesFromAnswer('<html>'), /not an instant vector answer/);
  });
});
