// Prometheus' text format read back into samples: names, labels with escapes, special values, and
// the mesh's own /stats/prometheus output as prom-client writes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheusText } from '../../../../mesh-client/prometheus/prometheus-text.ts';
import { Counter, Histogram, Registry } from 'prom-client';

describe('parsePrometheusText', () => {
  it('reads samples with and without labels, skipping HELP, TYPE and blank lines', () => {
    const samples = parsePrometheusText(`# HELP up Whether it is up.
# TYPE up gauge
up 1

http_requests_total{method="POST",code="200"} 1027 1395066363000
`);
    assert.deepEqual(samples, [
      { name: 'up', labels: {}, value: 1 },
      { name: 'http_requests_total', labels: { method: 'POST', code: '200' }, value: 1027 },
    ]);
  });

  it('unescapes \\\\, \\" and \\n in label values and keeps commas and braces inside them', () => {
    const [sample] = parsePrometheusText(
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",odd="a,b}c"} 1.458255915e9\n',
    );
    assert.ok(sample);
    assert.deepEqual(sample.labels, {
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
      odd: 'a,b}c',
    });
    assert.equal(sample.value, 1.458255915e9);
  });

  it('reads +Inf, -Inf and NaN values, and le="+Inf" as a label like any other', () => {
    const samples = parsePrometheusText(
      'a +Inf\nb -Inf\nc NaN\nd_bucket{le="+Inf"} 3\ne{x="1",} -0.5\n',
    );
    assert.equal(samples[0]?.value, Infinity);
    assert.equal(samples[1]?.value, -Infinity);
    assert.ok(Number.isNaN(samples[2]?.value));
    assert.deepEqual(samples[3], { name: 'd_bucket', labels: { le: '+Inf' }, value: 3 });
    assert.deepEqual(samples[4], { name: 'e', labels: { x: '1' }, value: -0.5 });
  });

  it('refuses a line that is not a sample, saying which', () => {
    assert.throws(
      () => parsePrometheusText('up 1\nup{a="1" 2\n'),
      /line 2 is not a Prometheus sample/,
    );
    assert.throws(() => parsePrometheusText('up one\n'), /line 1/);
  });

  it('reads Istio metrics as prom-client, which the mesh exports with, writes them', async () => {
    const registry = new Registry();
    const labelNames = ['reporter', 'destination_version', 'response_code'];
    const requests = new Counter({
      name: 'istio_requests_total',
      help: 'h',
      labelNames,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'istio_request_duration_milliseconds',
      help: 'h',
      labelNames,
      buckets: [5, 25, 50],
      registers: [registry],
    });
    const v3 = { reporter: 'destination', destination_version: 'v3', response_code: '503' };
    requests.inc({ reporter: 'destination', destination_version: 'v1', response_code: '200' });
    requests.inc(v3, 2);
    duration.observe(v3, 30);
    const samples = parsePrometheusText(await registry.metrics());

    assert.deepEqual(
      samples
        .filter((s) => s.name === 'istio_requests_total')
        .map((s) => [s.labels.destination_version, s.labels.response_code, s.value]),
      [
        ['v1', '200', 1],
        ['v3', '503', 2],
      ],
    );
    assert.deepEqual(
      samples
        .filter((s) => s.name === 'istio_request_duration_milliseconds_bucket')
        .map((s) => [s.labels.le, s.value]),
      [
        ['5', 0],
        ['25', 0],
        ['50', 1],
        ['+Inf', 1],
      ],
    );
    const sum = samples.find((s) => s.name === 'istio_request_duration_milliseconds_sum');
    assert.deepEqual(sum, {
      name: 'istio_request_duration_milliseconds_sum',
      labels: v3,
      value: 30,
    });
  });
});
