// Where the console's figures, traces and routes come from. Local mode: the mesh's stats endpoint
// and admin, its trace store, mesh-config/. A cluster, as `istioctl dashboard kiali` is used:
// Prometheus, Zipkin and the namespace's VirtualServices through the Kubernetes API. The HTTP API
// (app.ts) is the same for both; rollouts are QUIZMESH_HOME's state files either way.
import type { WorkloadFigures } from '../../mesh-client/prometheus/workload-figures.ts';
import type { RouteRequest } from '../../mesh-client/routes/route-request.ts';
import type { ServiceGraph } from '../../mesh-client/graph/service-graph.ts';
import { changeRoute, type RouteChangeAnswer } from './route-change.ts';
import { readRoutesInForce, type RoutesView } from './routes-in-force.ts';
import type { TraceReader } from '../../mesh-client/traces/trace-reader.ts';
import type { ProcessStatus } from '../../mesh-client/local-processes.ts';
import type { PlayerGroupFigures } from './player-groups.ts';

export interface GraphFigures {
  graph: ServiceGraph;
  windowSeconds: number;
  warnings: string[];
}

/** GET /api/red */
export interface RedAnswer {
  windowSeconds: number;
  warnings: string[];
  historySeconds: number;
  workloads: (WorkloadFigures & {
    p50Ms: number | null;
    history: number[];
    /** quiz only: its rounds per group of players (player_charset), from quiz's own metrics. */
    playerGroups?: PlayerGroupFigures[];
  })[];
}

/** Istio's request metrics, for the graph and the RED table. */
export interface MeshFigures {
  /** What a failure names: `cannot read <what>`. */
  what: string;
  graph(): Promise<GraphFigures>;
  red(): Promise<RedAnswer>;
}

/** The routes in force, and changes to them. */
export interface MeshRouting {
  what: string;
  routes(): Promise<RoutesView>;
  change(request: RouteRequest): Promise<RouteChangeAnswer>;
}

export interface ConsoleSources {
  figures: MeshFigures;
  traces: TraceReader;
  routing: MeshRouting;
  /** QUIZMESH_HOME: the rollouts `quizmesh canary` keeps. */
  home: string;
  /** Local mode's processes as its supervisor reports them; none on a cluster. */
  processes?: () => ProcessStatus[] | undefined;
}

/** Local mode's routes: the mesh admin's config in force; changes rewrite `configDir`. */
export function localRouting(adminUrl: string, configDir: string, home: string): MeshRouting {
  return {
    what: 'the mesh admin',
    routes: () => readRoutesInForce(adminUrl, configDir),
    change: (request) => changeRoute(request, { configDir, home }),
  };
}
