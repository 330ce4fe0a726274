// Workload: each process's resources from prom-client's default metrics, one series per pod.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  baseDashboard,
  type DashboardBuilder,
  grid,
  PROMETHEUS,
  query,
  timeseriesPanel,
} from './panels.ts';

const PODS = 'app=~"$app"';

const appVariable = (): dashboard.QueryVariableBuilder =>
  new dashboard.QueryVariableBuilder('app')
    .label('App')
    .datasource(PROMETHEUS)
    .query('label_values(process_cpu_seconds_total, app)')
    .definition('label_values(process_cpu_seconds_total, app)')
    .includeAll(true)
    .allValue('.+')
    .multi(true)
    .current({ text: 'All', value: '$__all' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);

export function workloadDashboard(): DashboardBuilder {
  const panels = [
    timeseriesPanel({
      title: 'CPU per pod',
      description: 'process_cpu_seconds_total: cores used (user + system).',
      unit: 'percentunit',
      queries: [
        query(
          'sum by (pod) (rate(process_cpu_seconds_total{' + PODS + '}[$__rate_interval]))',
          '{{pod}}',
        ),
      ],
    }),
    timeseriesPanel({
      title: 'Resident memory per pod',
      description: 'process_resident_memory_bytes.',
      unit: 'bytes',
      queries: [query('sum by (pod) (process_resident_memory_bytes{' + PODS + '})', '{{pod}}')],
    }),
    timeseriesPanel({
      title: 'Heap used per pod',
      description: 'nodejs_heap_size_used_bytes against nodejs_heap_size_total_bytes.',
      unit: 'bytes',
      queries: [
        query('sum by (pod) (nodejs_heap_size_used_bytes{' + PODS + '})', 'used {{pod}}', 'A'),
        query('sum by (pod) (nodejs_heap_size_total_bytes{' + PODS + '})', 'total {{pod}}', 'B'),
      ],
    }),
    timeseriesPanel({
      title: 'Event-loop lag per pod',
      description: 'nodejs_eventloop_lag_seconds (last sample) and its p99 since start.',
      unit: 's',
      queries: [
        query('max by (pod) (nodejs_eventloop_lag_seconds{' + PODS + '})', 'lag {{pod}}', 'A'),
        query('max by (pod) (nodejs_eventloop_lag_p99_seconds{' + PODS + '})', 'p99 {{pod}}', 'B'),
      ],
    }),
    timeseriesPanel({
      title: 'GC time per pod',
      description:
        'nodejs_gc_duration_seconds: seconds spent in garbage collection per second, by kind.',
      unit: 'percentunit',
      queries: [
        query(
          'sum by (pod, kind) (rate(nodejs_gc_duration_seconds_sum{' +
            PODS +
            '}[$__rate_interval]))',
          '{{pod}} {{kind}}',
        ),
      ],
    }),
    timeseriesPanel({
      title: 'Active handles per pod',
      description: 'nodejs_active_handles_total: sockets, timers and the like held open.',
      unit: 'short',
      queries: [query('sum by (pod) (nodejs_active_handles_total{' + PODS + '})', '{{pod}}')],
    }),
  ];
  const builder = baseDashboard('quizmesh / Workload', 'quizmesh-workload')
    .description("Per-process resources from prom-client's default metrics.")
    .withVariable(appVariable());
  for (const panel of grid(panels)) builder.withPanel(panel);
  return builder;
}
