// Live figures per destination workload from two scrapes: the increase of each series over the
// window, as rate() and histogram_quantile(rate()) would give them, from destination reports only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheusText } from '../../../../mesh-client/prometheus/prometheus-text.ts';
import { workloadFigures } from '../../../../mesh-client/prometheus/workload-figures.ts';

const BOUNDS = ['5', '25', '50', '+Inf'];

/** Exposition text for quiz `version`: requests by code, and cumulative duration buckets. */
function scrape(
  series: {
    version: string;
    codes: Record<string, number>;
    buckets: number[];
    reporter?: string;
  }[],
): string {
  return series
    .flatMap(({ version, codes, buckets, reporter = 'destination' }) => {
      const labels = `reporter="${reporter}",destination_service_name="quiz",destination_version="${version}"`;
      return [
        ...Object.entries(codes).map(
          ([code, n]) => `istio_requests_total{${labels},response_code="${code}"} ${n}`,
        ),
        ...buckets.map(
          (n, i) =>
            `istio_request_duration_milliseconds_bucket{le="${BOUNDS[i] ?? ''}",${labels}} ${n}`,
        ),
      ];
    })
    .join('\n');
}

describe('workloadFigures', () => {
  it('gives requests per second, 5xx share and p99 from the increase over the window', () => {
    const before = parsePrometheusText(
      scrape([{ version: 'v1', codes: { '200': 100, '503': 10 }, buckets: [50, 100, 110, 110] }]),
    );
    // 100 more calls in 10 s: 90 answered 200, 10 answered 503; 50 ≤ 5 ms, 49 in 5–25, 1 in 25–50.
    const after = parsePrometheusText(
      scrape([{ version: 'v1', codes: { '200': 190, '503': 20 }, buckets: [100, 199, 210, 210] }]),
    );
    const [v1] = workloadFigures(before, after, 10);
    assert.deepEqual(v1, {
      service: 'quiz',
      version: 'v1',
      requests: 100,
      requestsPerSecond: 10,
      errorRate: 0.1,
      p99Ms: 25, // rank 99 of 100 is the last of the 49 in 5–25
    });
  });

  it('counts only reporter="destination", one row per version, sorted', () => {
    const after = parsePrometheusText(
      scrape([
        { version: 'v3', codes: { '200': 4 }, buckets: [4, 4, 4, 4] },
        { version: 'v1', codes: { '200': 2 }, buckets: [0, 2, 2, 2] },
        { version: 'v1', codes: { '200': 1000 }, buckets: [0, 0, 0, 1000], reporter: 'source' },
      ]),
    );
    const figures = workloadFigures([], after, 2);
    assert.deepEqual(
      figures.map((f) => [f.version, f.requests, f.requestsPerSecond]),
      [
        ['v1', 2, 1],
        ['v3', 4, 2],
      ],
    );
    assert.equal(figures[0]?.p99Ms, 5 + 20 * 0.99); // rank 1.98 of the 2 in 5–25
  });

  it('has no error rate and no p99 for a version that took no calls in the window', () => {
    const text = scrape([{ version: 'v2', codes: { '200': 7 }, buckets: [7, 7, 7, 7] }]);
    const [v2] = workloadFigures(parsePrometheusText(text), parsePrometheusText(text), 5);
    assert.deepEqual(v2, {
      service: 'quiz',
      version: 'v2',
      requests: 0,
      requestsPerSecond: 0,
      errorRate: null,
      p99Ms: null,
    });
  });

  it('counts a series that went down (the mesh restarted) from zero', () => {
    const before = parsePrometheusText(
      scrape([{ version: 'v1', codes: { '200': 500 }, buckets: [500, 500, 500, 500] }]),
    );
    const after = parsePrometheusText(
      scrape([{ version: 'v1', codes: { '200': 3 }, buckets: [3, 3, 3, 3] }]),
    );
    assert.equal(workloadFigures(before, after, 1)[0]?.requests, 3);
  });
});
