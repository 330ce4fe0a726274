// Panels that more than one dashboard shows, built in one place so they stay alike.
import { query, timeseriesPanel } from './panels.ts';
import { BY_VERSION, INBOUND, successRate } from './promql.ts';

type Links = Parameters<typeof timeseriesPanel>[0]['links'];

/** Share of non-5xx answers per version of $service, v1 and v3 on the same axes. */
export function successRateByVersion(links: Links) {
  return timeseriesPanel({
    title: 'Success rate by version',
    description: 'Share of non-5xx answers per version: v1 and v3 on the same axes.',
    unit: 'percentunit',
    queries: [query(successRate(INBOUND, BY_VERSION), '{{destination_version}}')],
    links,
  })
    .min(0)
    .max(1);
}
