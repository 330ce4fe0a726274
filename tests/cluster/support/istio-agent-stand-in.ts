// An injected pod's istio-agent endpoint, :15020/stats/prometheus, standing on local mode: Istio's
// metrics merging serves the pod's Envoy stats followed by the app's own metrics (read where the
// pod's original prometheus.io/* annotations pointed). Local mode's mesh is one process holding
// every proxy's Istio series, so each stand-in serves only the series its own Envoy would hold:
// the reports it made as reporter="source" for calls its workload made, and as
// reporter="destination" for calls its workload received. Split that way, every series is served
// by exactly one pod, as on the cluster; seriesServedByNone() says which ones no stand-in took.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What Prometheus 3 requires to parse the text format (it refuses a missing Content-Type). */
const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

const labelValue = (line: string, name: string): string | undefined =>
  new RegExp(`[{,]${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(line)?.[1];

/** The workload whose proxy reports a sample line of the mesh's Istio metrics. */
export function reportingWorkload(line: string): string | undefined {
  const reporter = labelValue(line, 'reporter');
  if (reporter === 'source') return labelValue(line, 'source_workload');
  if (reporter === 'destination') return labelValue(line, 'destination_workload');
  return undefined;
}

const isSample = (line: string): boolean => line !== '' && !line.startsWith('#');

/** The mesh's text with only `workload`'s samples (and every family's HELP and TYPE). */
export function seriesOf(meshText: string, workload: string): string {
  return meshText
    .split('\n')
    .filter((line) => !isSample(line) || reportingWorkload(line) === workload)
    .join('\n');
}

/**
 * The local mesh's figures about itself (quizmesh_proxy_*: the one process standing in for every
 * sidecar, e.g. the bytes it holds for retries): no sidecar on a cluster has them to report.
 */
const ownFigure = (line: string): boolean => line.startsWith('quizmesh_proxy_');

/** Sample lines of the mesh that none of `workloads` reports (its own figures aside). */
export function seriesServedByNone(meshText: string, workloads: ReadonlySet<string>): string[] {
  return meshText
    .split('\n')
    .filter(isSample)
    .filter((line) => !ownFigure(line) && !workloads.has(reportingWorkload(line) ?? ''));
}

export interface AgentStandIn {
  workload: string;
  port: number;
  close(): Promise<void>;
}

export interface AgentOptions {
  /** The Deployment's name: Istio's source_workload / destination_workload. */
  workload: string;
  meshStatsUrl: string;
  /** The app's own metrics; none for the gateway, which has no app beside its Envoy. */
  appMetricsUrl?: string;
}

async function text(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) throw new Error(`${url}: ${String(response.status)}`);
  return response.text();
}

export async function startAgentStandIn(options: AgentOptions): Promise<AgentStandIn> {
  const server = createServer((request, response) => {
    if (request.url !== '/stats/prometheus') {
      response.writeHead(404).end();
      return;
    }
    const app = options.appMetricsUrl === undefined ? '' : text(options.appMetricsUrl);
    Promise.all([text(options.meshStatsUrl), app])
      .then(([mesh, own]) => {
        const merged = `${seriesOf(mesh, options.workload).trimEnd()}\n${own}`;
        response.writeHead(200, { 'content-type': TEXT_FORMAT }).end(merged);
      })
      .catch((error: unknown) => {
        // As the agent answers when the app's metrics cannot be read: the scrape fails (up = 0).
        response.writeHead(503, { 'content-type': 'text/plain' }).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    workload: options.workload,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
