// Every PromQL query a built dashboard holds, with where it sits: for the tests that parse them
// and run them against a real Prometheus.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardJson } from './panels.ts';

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export interface DashboardVariable {
  name: string;
  /** `label_values(<series selector>, <label>)` for query variables; absent for text boxes. */
  query?: string;
}

interface Target {
  expr?: unknown;
  refId?: unknown;
}

export function panelQueries(built: DashboardJson): PanelQuery[] {
  const title = built.title ?? '';
  return (built.panels ?? []).flatMap((panel) => {
    const targets = ('targets' in panel ? (panel.targets ?? []) : []) as Target[];
    return targets.map((target) => ({
      dashboard: title,
      panel: panel.title ?? '',
      refId: typeof target.refId === 'string' ? target.refId : '',
      expr: typeof target.expr === 'string' ? target.expr : '',
    }));
  });
}

export function dashboardVariables(built: DashboardJson): DashboardVariable[] {
  return (built.templating.list ?? []).map((variable) =>
    variable.type === dashboard.VariableType.Query && typeof variable.query === 'string'
      ? { name: variable.name, query: variable.query }
      : { name: variable.name },
  );
}

/** `label_values(selector, label)` split in two, as Grafana reads it. */
export function labelValuesQuery(query: string): { selector: string; label: string } {
  const match = /^label_values\((.*),\s*(\w+)\)$/.exec(query.trim());
  if (!match?.[1] || !match[2]) throw new Error(`not a label_values() query: ${query}`);
  return { selector: match[1], label: match[2] };
}
