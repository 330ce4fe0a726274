// Mesh overview: every service at a glance, from the destination sidecars' point of view.
import {
  baseDashboard,
  type DashboardBuilder,
  grid,
  instantTableQuery,
  query,
  tablePanel,
  timeseriesPanel,
  zipkinSeriesLink,
  zipkinVariable,
} from './panels.ts';
import { DESTINATION, latencyQuantile, requestRate, successRate } from './promql.ts';

const SERVICE = ['destination_service_name'];
const WORKLOAD = ['destination_workload', 'destination_version'];

export function meshOverview(): DashboardBuilder {
  const perService = [
    timeseriesPanel({
      title: 'Requests per second by service',
      description: 'istio_requests_total as the destination sidecar reports it.',
      unit: 'reqps',
      queries: [query(requestRate(DESTINATION, SERVICE), '{{destination_service_name}}')],
    }).dataLinks([zipkinSeriesLink('destination_service_name')]),
    timeseriesPanel({
      title: 'Success rate by service',
      description: 'Share of requests not answered with a 5xx.',
      unit: 'percentunit',
      queries: [query(successRate(DESTINATION, SERVICE), '{{destination_service_name}}')],
    })
      .min(0)
      .max(1)
      .dataLinks([zipkinSeriesLink('destination_service_name')]),
    timeseriesPanel({
      title: 'Latency p50 / p90 / p99 by service',
      description: 'From istio_request_duration_milliseconds, Istio buckets.',
      unit: 'ms',
      queries: [
        query(latencyQuantile(0.5, DESTINATION, SERVICE), 'p50 {{destination_service_name}}', 'A'),
        query(latencyQuantile(0.9, DESTINATION, SERVICE), 'p90 {{destination_service_name}}', 'B'),
        query(latencyQuantile(0.99, DESTINATION, SERVICE), 'p99 {{destination_service_name}}', 'C'),
      ],
    }).dataLinks([zipkinSeriesLink('destination_service_name')]),
    timeseriesPanel({
      title: 'Quiz rounds by result',
      description: "quiz_rounds_total from the quiz service's own /metrics, every version.",
      unit: 'ops',
      queries: [
        query(
          'sum by (version, result) (rate(quiz_rounds_total[$__rate_interval]))',
          '{{version}} {{result}}',
        ),
      ],
    }),
  ];
  const workloads = tablePanel({
    title: 'Workloads',
    description: 'Every workload that served requests: rate, success rate and p99 right now.',
    unit: 'short',
    queries: [
      instantTableQuery(requestRate(DESTINATION, WORKLOAD), 'A'),
      instantTableQuery(successRate(DESTINATION, WORKLOAD), 'B'),
      instantTableQuery(latencyQuantile(0.99, DESTINATION, WORKLOAD), 'C'),
    ],
  })
    .overrideByName('Value #A', [{ id: 'displayName', value: 'req/s' }])
    .overrideByName('Value #B', [
      { id: 'displayName', value: 'success rate' },
      { id: 'unit', value: 'percentunit' },
    ])
    .overrideByName('Value #C', [
      { id: 'displayName', value: 'p99' },
      { id: 'unit', value: 'ms' },
    ])
    .gridPos({ x: 0, y: 16, w: 24, h: 8 });

  const builder = baseDashboard('quizmesh / Mesh overview', 'quizmesh-mesh-overview')
    .description('Every service in the mesh: traffic, success rate, latency; every workload.')
    .withVariable(zipkinVariable());
  for (const panel of grid(perService)) builder.withPanel(panel);
  return builder.withPanel(workloads);
}
