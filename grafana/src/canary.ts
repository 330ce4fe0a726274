// A canary at a glance: how traffic is split between versions, and how each version does.
import {
  baseDashboard,
  type DashboardBuilder,
  grid,
  query,
  serviceVariable,
  statPanel,
  timeseriesPanel,
  zipkinSearch,
  zipkinVariable,
} from './panels.ts';
import { playerGroupPanels } from './player-groups.ts';
import { BY_VERSION, INBOUND, latencyQuantile, trafficShare } from './promql.ts';
import { successRateByVersion } from './version-panels.ts';

export function canaryDashboard(): DashboardBuilder {
  const zipkin = [zipkinSearch('$service')];
  const panels = [
    timeseriesPanel({
      title: 'Traffic share by version',
      description: "Each version's share of the requests $service received.",
      unit: 'percentunit',
      queries: [query(trafficShare(INBOUND), '{{destination_version}}')],
    })
      .min(0)
      .max(1),
    statPanel({
      title: 'Weights in force (approximate)',
      description:
        "The VirtualService's route weights are mesh configuration, not metrics: Prometheus does not have them. This is each version's share of the traffic it actually received over the last 5 minutes, rounded to a percent, which approaches the weights in force once the split has held that long. The configuration itself: `npx quizmesh route` / the mesh admin's /config_dump locally, `kubectl get virtualservice` on a cluster.",
      unit: 'percent',
      queries: [query(`round(100 * (${trafficShare(INBOUND, '5m')}))`, '{{destination_version}}')],
    }),
    successRateByVersion(zipkin),
    timeseriesPanel({
      title: 'p99 latency by version',
      description: 'From istio_request_duration_milliseconds.',
      unit: 'ms',
      queries: [query(latencyQuantile(0.99, INBOUND, BY_VERSION), '{{destination_version}}')],
      links: zipkin,
    }),
    timeseriesPanel({
      title: 'Quiz rounds by result and version (app metrics)',
      description:
        "quiz_rounds_total from the quiz service's own /metrics: only quiz counts rounds.",
      unit: 'ops',
      queries: [
        query(
          'sum by (version, result) (rate(quiz_rounds_total{app="$service"}[$__rate_interval]))',
          '{{version}} {{result}}',
        ),
      ],
    }),
    timeseriesPanel({
      title: 'Correct answers by version (app metrics)',
      description: "quiz_answers_total from the quiz service's own /metrics.",
      unit: 'ops',
      queries: [
        query(
          'sum by (version, correct) (rate(quiz_answers_total{app="$service"}[$__rate_interval]))',
          '{{version}} correct={{correct}}',
        ),
      ],
    }),
    ...playerGroupPanels(),
  ];
  const builder = baseDashboard('quizmesh / Canary', 'quizmesh-canary')
    .description('Traffic split and per-version health of a service under a canary rollout.')
    .withVariable(serviceVariable())
    .withVariable(zipkinVariable())
    .link(zipkinSearch('$service'));
  for (const panel of grid(panels)) builder.withPanel(panel);
  return builder;
}
