// What the cluster's Grafana is provisioned with (the files k8s/base puts in its ConfigMaps): the
// Prometheus datasource's timeInterval, and every Prometheus query of every dashboard with what
// Grafana sizes it by: the dashboard's default time range, the panel's width and query options.
// QUIZMESH_GRAFANA_DATASOURCES reads another datasources file (e.g. an older version).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './cluster-pods.ts';
import { intervalMs } from './grafana-intervals.ts';

export const GRAFANA_DATASOURCES =
  process.env.QUIZMESH_GRAFANA_DATASOURCES ??
  join(ROOT, 'grafana/provisioning/datasources/datasources.yaml');
const DASHBOARDS = join(ROOT, 'grafana/dashboards');

/**
 * A typical dashboard width: a 1920 px wide browser window less Grafana's side menu and padding.
 * At a 15-minute range any panel wider than 180 px gets the same intervals at a 5 s timeInterval
 * (900 s / 180 = 5 s), and wider than 600 px at 1 s, so the exact figure does not decide anything.
 */
export const DASHBOARD_WIDTH_PX = 1600;
/** react-grid-layout's 24 columns with Grafana's 8 px gutter. */
const COLUMNS = 24;
const GUTTER_PX = 8;

export const panelWidthPx = (w: number): number =>
  Math.round((w * (DASHBOARD_WIDTH_PX + GUTTER_PX)) / COLUMNS - GUTTER_PX);

interface Datasource {
  type: string;
  uid?: string;
  isDefault?: boolean;
  jsonData?: { timeInterval?: string };
}

/** The provisioned Prometheus datasource's timeInterval (undefined: Grafana's 15s). */
export function datasourceTimeInterval(file = GRAFANA_DATASOURCES): string | undefined {
  const { datasources } = parse(readFileSync(file, 'utf8')) as { datasources: Datasource[] };
  const prometheus = datasources.filter((d) => d.type === 'prometheus');
  if (prometheus.length !== 1)
    throw new Error(`${file}: ${prometheus.length} Prometheus datasources`);
  return prometheus[0]?.jsonData?.timeInterval;
}

interface DashboardJson {
  title: string;
  time: { from: string; to: string };
  panels: PanelJson[];
  templating: { list: VariableJson[] };
}

interface PanelJson {
  title: string;
  type: string;
  gridPos: { w: number };
  interval?: string | null;
  maxDataPoints?: number | null;
  datasource?: { type?: string };
  targets?: TargetJson[];
  panels?: PanelJson[];
}

interface TargetJson {
  refId: string;
  expr?: string;
  datasource?: { type?: string };
  instant?: boolean | null;
  range?: boolean | null;
  interval?: string | null;
  intervalFactor?: number | null;
}

export interface VariableJson {
  name: string;
  type: string;
  query?: string;
  current?: { value?: string | string[] } | null;
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string | null;
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
  rangeMs: number;
  widthPx: number;
  maxDataPoints?: number;
  minInterval?: string;
}

export interface Dashboard {
  file: string;
  title: string;
  rangeMs: number;
  variables: VariableJson[];
  queries: DashboardQuery[];
}

/** `now-15m` … `now`: the only kind of default range these dashboards use. */
function rangeOf(time: DashboardJson['time'], file: string): number {
  const from = /^now-(\w+)$/.exec(time.from)?.[1];
  if (from === undefined || time.to !== 'now')
    throw new Error(`${file}: range ${JSON.stringify(time)}`);
  return intervalMs(from);
}

function queriesOf(panel: PanelJson, dashboard: string, rangeMs: number): DashboardQuery[] {
  if (panel.type === 'row')
    return (panel.panels ?? []).flatMap((p) => queriesOf(p, dashboard, rangeMs));
  return (panel.targets ?? [])
    .filter((t) => (t.datasource ?? panel.datasource)?.type === 'prometheus')
    .map((target) => {
      // Per-query "Min step" and "Resolution" change the arithmetic; none of these sets them.
      if ((target.interval ?? '') !== '' || (target.intervalFactor ?? 1) !== 1)
        throw new Error(`${dashboard} / ${panel.title}: interval options not stood in`);
      return {
        dashboard,
        panel: panel.title,
        refId: target.refId,
        expr: target.expr ?? '',
        instant: target.instant === true && target.range !== true,
        rangeMs,
        widthPx: panelWidthPx(panel.gridPos.w),
        ...(panel.maxDataPoints != null && { maxDataPoints: panel.maxDataPoints }),
        ...(panel.interval != null && panel.interval !== '' && { minInterval: panel.interval }),
      };
    });
}

export function provisionedDashboards(): Dashboard[] {
  return readdirSync(DASHBOARDS)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as DashboardJson;
      const rangeMs = rangeOf(json.time, file);
      return {
        file,
        title: json.title,
        rangeMs,
        variables: json.templating.list,
        queries: json.panels.flatMap((p) => queriesOf(p, json.title, rangeMs)),
      };
    });
}

const escapeRegex = (value: string): string => value.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');

/**
 * A query variable's value as the Prometheus datasource writes it into a query: the value itself;
 * for "All", the variable's allValue, else every value as a regex alternation.
 */
export function variableText(
  variable: VariableJson,
  offered: readonly string[],
  preferred?: string,
): string {
  const current = variable.current?.value;
  const all = current === '$__all' || (Array.isArray(current) && current.includes('$__all'));
  if (variable.includeAll === true && all)
    return variable.allValue ?? `(${offered.map(escapeRegex).join('|')})`;
  const wanted = preferred ?? (typeof current === 'string' ? current : undefined);
  const value = wanted !== undefined && offered.includes(wanted) ? wanted : offered[0];
  if (value === undefined)
    throw new Error(`$${variable.name}: ${variable.query ?? ''} offers nothing`);
  return value;
}

/** `$name` and `${name}` of the dashboard's own variables replaced (Grafana's macros left). */
export function withVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return values[name] ?? whole;
  });
}

/** Grafana's interval macros replaced as the backend does, longest names first. */
export function withMacros(expr: string, macros: Readonly<Record<string, string>>): string {
  const names = Object.keys(macros).sort((a, b) => b.length - a.length);
  return names.reduce(
    (text, name) =>
      text.replaceAll(`\${${name}}`, macros[name] ?? '').replaceAll(`$${name}`, macros[name] ?? ''),
    expr,
  );
}
