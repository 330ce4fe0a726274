// One service: RED per version side by side (v1 against v3 on the same panels is the canary
// comparison the talk shows), who calls it and whom it calls, and how its requests end.
import {
  baseDashboard,
  type DashboardBuilder,
  grid,
  query,
  serviceVariable,
  timeseriesPanel,
  zipkinSearch,
  zipkinVariable,
} from './panels.ts';
import {
  appQuantile,
  BY_VERSION,
  INBOUND,
  latencyQuantile,
  requestRate,
  sel,
  SERVICE,
  SOURCE,
} from './promql.ts';
import { successRateByVersion } from './version-panels.ts';

export function serviceDashboard(): DashboardBuilder {
  const zipkin = [zipkinSearch('$service')];
  const panels = [
    timeseriesPanel({
      title: 'Requests per second by version',
      description: 'Requests $service received, per version of it.',
      unit: 'reqps',
      queries: [query(requestRate(INBOUND, BY_VERSION), '{{destination_version}}')],
      links: zipkin,
    }),
    successRateByVersion(zipkin),
    timeseriesPanel({
      title: 'Latency p50 / p99 by version',
      description: 'From istio_request_duration_milliseconds: v1 and v3 on the same axes.',
      unit: 'ms',
      queries: [
        query(latencyQuantile(0.5, INBOUND, BY_VERSION), 'p50 {{destination_version}}', 'A'),
        query(latencyQuantile(0.99, INBOUND, BY_VERSION), 'p99 {{destination_version}}', 'B'),
      ],
      links: zipkin,
    }),
    timeseriesPanel({
      title: 'Inbound by caller',
      description: 'Who calls $service, and with what result (destination sidecar).',
      unit: 'reqps',
      queries: [
        query(
          requestRate(INBOUND, ['source_workload', 'response_code']),
          '{{source_workload}} {{response_code}}',
        ),
      ],
    }),
    timeseriesPanel({
      title: 'Outbound by peer',
      description:
        'Whom $service calls, as its own sidecar reports it (reporter="source"): this also counts calls that never reached a destination.',
      unit: 'reqps',
      queries: [
        query(
          requestRate(sel(SOURCE, 'source_app="$service"'), [
            'destination_service_name',
            'response_code',
          ]),
          '{{destination_service_name}} {{response_code}}',
        ),
      ],
    }),
    timeseriesPanel({
      title: 'Outbound p99 by peer (app metrics)',
      description:
        "http_client_request_duration_seconds from $service's own /metrics: the time the app waited, per peer.",
      unit: 's',
      queries: [
        query(
          appQuantile(0.99, 'http_client_request_duration_seconds', 'app="$service"', [
            'version',
            'peer_service',
          ]),
          '{{version}} → {{peer_service}}',
        ),
      ],
    }),
    timeseriesPanel({
      title: 'Response codes by version',
      description: 'Answers $service gave, by HTTP status, per version.',
      unit: 'reqps',
      queries: [
        query(
          requestRate(INBOUND, ['destination_version', 'response_code']),
          '{{destination_version}} {{response_code}}',
        ),
      ],
      links: zipkin,
    }),
    timeseriesPanel({
      title: 'Response flags by version',
      description:
        'Envoy response flags ("-" is none; UH no healthy upstream, UF upstream failure, NR no route, UT timeout, DC downstream disconnect, FI/DI injected faults), as the calling sidecar reports them.',
      unit: 'reqps',
      queries: [
        query(
          requestRate(sel(SOURCE, SERVICE), ['destination_version', 'response_flags']),
          '{{destination_version}} {{response_flags}}',
        ),
      ],
      links: zipkin,
    }),
    timeseriesPanel({
      title: 'Server p99 by route (app metrics)',
      description: "http_server_request_duration_seconds from $service's own /metrics.",
      unit: 's',
      queries: [
        query(
          appQuantile(0.99, 'http_server_request_duration_seconds', 'app="$service"', [
            'version',
            'route',
          ]),
          '{{version}} {{route}}',
        ),
      ],
    }),
  ];
  const builder = baseDashboard('quizmesh / Service', 'quizmesh-service')
    .description('RED per version, callers and peers, response codes and flags of one service.')
    .withVariable(serviceVariable())
    .withVariable(zipkinVariable())
    .link(zipkinSearch('$service'));
  for (const panel of grid(panels)) builder.withPanel(panel);
  return builder;
}
