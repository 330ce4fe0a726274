// Building blocks every dashboard uses: the provisioned datasources, queries, panels laid out on
// the grid, and the links to Zipkin.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The uids grafana/provisioning/datasources/datasources.yaml gives them. */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' };

export const query = (expr: string, legend = '', refId = 'A'): prometheus.DataqueryBuilder =>
  new prometheus.DataqueryBuilder()
    .datasource(PROMETHEUS)
    .expr(expr)
    .legendFormat(legend)
    .refId(refId);

/** For tables: one row per series at the dashboard's end time. */
export const instantTableQuery = (expr: string, refId: string): prometheus.DataqueryBuilder =>
  query(expr, '', refId).instant().format(prometheus.PromQueryFormat.Table);

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: prometheus.DataqueryBuilder[];
  links?: cog.Builder<dashboard.DashboardLink>[];
}

export const timeseriesPanel = (spec: PanelSpec): timeseries.PanelBuilder => {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .targets(spec.queries)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  return spec.links ? panel.links(spec.links) : panel;
};

export const statPanel = (spec: PanelSpec): stat.PanelBuilder =>
  new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .targets(spec.queries);

export const tablePanel = (spec: PanelSpec): table.PanelBuilder =>
  new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .targets(spec.queries)
    .withTransformation({ id: 'merge', options: {} });

type Placeable = cog.Builder<dashboard.Panel> & { gridPos(pos: dashboard.GridPos): unknown };

/** Lays panels out left to right, `perRow` to a row, each `h` grid units high. */
export function grid<P extends Placeable>(panels: P[], perRow = 2, h = 8): P[] {
  const w = Math.floor(24 / perRow);
  panels.forEach((panel, i) =>
    panel.gridPos({ x: (i % perRow) * w, y: Math.floor(i / perRow) * h, w, h }),
  );
  return panels;
}

/** Where Grafana's users open Zipkin's UI: a browser address, so a variable they can change. */
export const zipkinVariable = (): dashboard.TextBoxVariableBuilder =>
  new dashboard.TextBoxVariableBuilder('zipkin')
    .label('Zipkin UI')
    .description('Base URL of the Zipkin UI, as the browser reaches it.')
    .defaultValue('http://localhost:9411');

/**
 * Metrics carry no trace ids (neither Istio's nor the apps' carry exemplars), so the links open
 * Zipkin's search for the service over the same time range instead.
 */
export const zipkinSearch = (service: string): dashboard.DashboardLinkBuilder =>
  new dashboard.DashboardLinkBuilder('Traces in Zipkin')
    .type(dashboard.DashboardLinkType.Link)
    .url(`\${zipkin}/zipkin/?serviceName=${service}&endTs=\${__to}`)
    .targetBlank(true);

/** A data link on every series: Zipkin's search for the series' destination service. */
export const zipkinSeriesLink = (label: string): dashboard.DashboardLinkBuilder =>
  new dashboard.DashboardLinkBuilder('Traces of ${__field.labels.' + label + '} in Zipkin')
    .type(dashboard.DashboardLinkType.Link)
    .url('${zipkin}/zipkin/?serviceName=${__field.labels.' + label + '}')
    .targetBlank(true);

export const serviceVariable = (): dashboard.QueryVariableBuilder =>
  new dashboard.QueryVariableBuilder('service')
    .label('Service')
    .datasource(PROMETHEUS)
    .query('label_values(istio_requests_total{reporter="destination"}, destination_service_name)')
    .definition(
      'label_values(istio_requests_total{reporter="destination"}, destination_service_name)',
    )
    .current({ text: 'quiz', value: 'quiz' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);

// The builders make the classic dashboard JSON model, which Grafana's file provisioning reads; the
// SDK marks it deprecated in favour of the v2 schema, which these dashboards do not use yet.
/* eslint-disable @typescript-eslint/no-deprecated */
export type DashboardBuilder = dashboard.DashboardBuilder;
export type DashboardJson = dashboard.Dashboard;

export const baseDashboard = (title: string, uid: string): DashboardBuilder =>
  new dashboard.DashboardBuilder(title)
    .uid(uid)
    .tags(['quizmesh', 'generated'])
    .time({ from: 'now-15m', to: 'now' })
    .refresh('5s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly();
/* eslint-enable @typescript-eslint/no-deprecated */
