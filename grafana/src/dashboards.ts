// Every dashboard, by the file it is written to under grafana/dashboards/.
import type { DashboardBuilder } from './panels.ts';
import { canaryDashboard } from './canary.ts';
import { meshOverview } from './mesh-overview.ts';
import { serviceDashboard } from './service.ts';
import { workloadDashboard } from './workload.ts';

export const DASHBOARDS: Readonly<Record<string, () => DashboardBuilder>> = {
  'mesh-overview.json': meshOverview,
  'service.json': serviceDashboard,
  'canary.json': canaryDashboard,
  'workload.json': workloadDashboard,
};

/** The file's content: what `npm run dashboards` writes and the committed JSON must equal. */
export const renderDashboard = (build: () => DashboardBuilder): string =>
  `${JSON.stringify(build().build(), null, 2)}\n`;
