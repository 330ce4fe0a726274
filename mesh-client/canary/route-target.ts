// Where a rollout's routes go. Local: mesh-config/ rewritten through the same code as `quizmesh
// route` (validated, atomic, confirmed by the running local mesh). Cluster: the VirtualService that
// routes the service, patched through the Kubernetes API with the user's kubeconfig; only
// spec.http changes (a JSON merge patch replaces that list whole), computed by the same rewrite
// in ../mesh/istio-cluster.ts, which the console's cluster mode shares.
import { formatFinding } from '../../mesh/config/findings.ts';
import { planRoute, writeRoute } from '../routes/apply-route.ts';
import { connectIstioCluster, kubeReason, type ClusterOptions } from '../istio-cluster.ts';
import { describeRouteRequest, type RouteRequest } from '../routes/route-request.ts';
import { routesOf } from '../routes/route-summary.ts';

export type { ClusterOptions } from '../istio-cluster.ts';

export type AppliedRoute = { ok: true; note: string } | { ok: false; message: string };

export interface RouteTarget {
  /** Where routes are written, for the header line. */
  where: string;
  apply(request: RouteRequest): Promise<AppliedRoute>;
  /** The change `apply` would make, as text, without making it. */
  preview(request: RouteRequest): Promise<string>;
  /** Why `apply` would refuse `request`, found without changing anything; undefined if it would not. */
  refusal(request: RouteRequest): Promise<string | undefined>;
}

const APPLY_TIMEOUT_MS = 3_000;

export function localTarget(configDir: string, home: string): RouteTarget {
  return {
    where: configDir,
    async apply(request) {
      const planned = planRoute(configDir, request);
      if (!planned.ok) return { ok: false, message: [planned.why, ...planned.errors].join('\n') };
      const written = await writeRoute(planned, { home, applyTimeoutMs: APPLY_TIMEOUT_MS });
      switch (written.kind) {
        case 'unchanged':
          return { ok: true, note: `${planned.path} already so` };
        case 'unwritable':
          return { ok: false, message: written.message };
        case 'written': {
          const applied = written.mesh?.applied;
          if (applied === undefined) return { ok: true, note: `written to ${planned.path}` };
          if (applied.kind === 'rejected') {
            const why = applied.errors.map((e) => formatFinding(e, configDir));
            return { ok: false, message: ['the local mesh refused it', ...why].join('\n') };
          }
          // A step the mesh has not put in force is not taken: its figures would be the old split's.
          return applied.kind === 'applied'
            ? { ok: true, note: `applied (generation ${applied.generation})` }
            : {
                ok: false,
                message: `written to ${planned.path}, but the local mesh did not apply it within 3 s (generation ${applied.generation} in force)`,
              };
        }
      }
    },
    refusal(request) {
      const planned = planRoute(configDir, request);
      return Promise.resolve(planned.ok ? undefined : [planned.why, ...planned.errors].join('\n'));
    },
    preview(request) {
      const planned = planRoute(configDir, request);
      if (!planned.ok) return Promise.resolve([planned.why, ...planned.errors].join('\n'));
      const routes = routesOf(planned.edit.next).map((line) => `    ${line}`);
      return Promise.resolve([`  ${planned.path}: spec.http =`, ...routes].join('\n'));
    },
  };
}

/** The VirtualService that routes the service in the cluster, patched (see ../mesh/istio-cluster.ts). */
export async function clusterTarget(options: ClusterOptions): Promise<RouteTarget> {
  const cluster = await connectIstioCluster(options);
  const { namespace } = cluster;
  return {
    where: cluster.where,
    async apply(request) {
      try {
        const route = await cluster.plan(request);
        await cluster.patch(route);
        return { ok: true, note: `patched VirtualService ${namespace}/${route.name}` };
      } catch (error) {
        return {
          ok: false,
          message: `cannot patch the route (${describeRouteRequest(request)}): ${kubeReason(error)}`,
        };
      }
    },
    async refusal(request) {
      try {
        await cluster.plan(request);
        return undefined;
      } catch (error) {
        return kubeReason(error);
      }
    },
    async preview(request) {
      try {
        const { name, body } = await cluster.plan(request);
        return `  kubectl -n ${namespace} patch virtualservice ${name} --type merge -p '${JSON.stringify(body)}'`;
      } catch (error) {
        return `cannot compute the patch: ${kubeReason(error)}`;
      }
    },
  };
}
