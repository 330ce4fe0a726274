// What the soak reads off the mesh and the trace store at each sample: the mesh's Istio request
// counters (the destination sidecars' reports, kept whole so any window's rates can be taken
// later) and how full the trace store is.
import { scrapeStats } from '../../mesh-client/local-mesh.ts';
import { parsePrometheusText, type Sample } from '../../mesh-client/prometheus/prometheus-text.ts';

export interface ServiceFigures {
  /** istio_requests_total and the duration histogram, reporter="destination" only. */
  mesh: Sample[];
  traceStoreTraces?: number;
}

const MESH_METRICS = new Set([
  'istio_requests_total',
  'istio_request_duration_milliseconds_bucket',
]);

/** A figure that cannot be read this time (a process restarting) is left out, not fatal. */
export async function readFigures(
  meshStatsUrl: string,
  zipkinUrl: string,
): Promise<ServiceFigures> {
  const [mesh, zipkin] = await Promise.all([
    scrape(meshStatsUrl).catch(() => []),
    scrape(`${zipkinUrl}/metrics`).catch(() => []),
  ]);
  const traces = zipkin.find((s) => s.name === 'zipkin_store_traces')?.value;
  return {
    mesh: mesh.filter((s) => MESH_METRICS.has(s.name) && s.labels.reporter === 'destination'),
    ...(traces === undefined ? {} : { traceStoreTraces: traces }),
  };
}

async function scrape(url: string): Promise<Sample[]> {
  return parsePrometheusText(await scrapeStats(url));
}
