// The console's routes on a cluster: the namespace's VirtualServices listed through the Kubernetes
// API and shown as local mode's are (routes-in-force.ts), each service's versions being the subsets
// its DestinationRule defines; a change computed, checked and sent as a merge patch of spec.http by
// the same code as `quizmesh canary --cluster` (mesh-client/istio-cluster.ts).
import { z } from 'zod';
import {
  kubeReason,
  RouteRefused,
  subsetsOf,
  type IstioCluster,
} from '../../mesh-client/istio-cluster.ts';
import { describeRouteRequest } from '../../mesh-client/routes/route-request.ts';
import { declaredMeshTopology } from '../../local/mesh-topology.ts';
import { virtualService } from '../../mesh/config/schema.ts';
import { describeIssues } from '../../services/kit/config.ts';
import type { RouteChangeAnswer } from './route-change.ts';
import { routesView, type ListedVirtualService } from './routes-in-force.ts';
import type { MeshRouting } from './sources.ts';

/** What every VirtualService the API server answers has; the rest is checked as the mesh reads it. */
const listedObject = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }),
  spec: z.looseObject({
    hosts: z.array(z.string()).default([]),
    gateways: z.array(z.string()).optional(),
  }),
});

export function clusterRouting(cluster: IstioCluster): MeshRouting {
  const { namespace } = cluster;
  const refused = (status: 409 | 502, error: string): RouteChangeAnswer => ({
    status,
    body: { error, findings: [], warnings: [] },
  });
  return {
    what: `the Kubernetes API of ${cluster.where}`,
    async routes() {
      const [virtualServices, rules] = await Promise.all([
        cluster.virtualServices(),
        cluster.destinationRules(),
      ]);
      const routable = declaredMeshTopology().services.map((service) => ({
        service: { ...service, namespace },
        versions: subsetsOf(rules, service.name),
      }));
      return {
        where: cluster.where,
        ...routesView(
          virtualServices.map((vs) => listed(vs, namespace)),
          routable,
        ),
      };
    },
    async change(request) {
      let planned;
      try {
        planned = await cluster.plan(request);
      } catch (error) {
        if (error instanceof RouteRefused) return refused(409, error.message);
        return refused(502, `cannot read the routes of ${cluster.where}: ${kubeReason(error)}`);
      }
      const name = `${namespace}/${planned.name}`;
      try {
        await cluster.patch(planned);
      } catch (error) {
        return refused(502, `cannot patch VirtualService ${name}: ${kubeReason(error)}`);
      }
      return {
        status: 200,
        body: {
          outcome: 'applied',
          message: `patched VirtualService ${name}; istiod sends it to the sidecars`,
          route: `${request.service}: ${describeRouteRequest(request)}`,
          warnings: [],
        },
      };
    },
  };
}

/** A listed VirtualService as the mesh parses it, or its hosts and why its routes are not shown. */
function listed(object: Record<string, unknown>, namespace: string): ListedVirtualService {
  const { metadata, spec } = listedObject.parse(object);
  const header = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: metadata.name, namespace: metadata.namespace ?? namespace },
  } as const;
  // The API server adds uid, managedFields…: only the spec is the mesh's to read.
  const parsed = virtualService.safeParse({ ...header, spec });
  if (parsed.success) return parsed.data;
  return {
    ...header,
    spec: { hosts: spec.hosts, ...(spec.gateways && { gateways: spec.gateways }), http: [] },
    unreadable: `(routes the console cannot show: ${describeIssues(parsed.error)})`,
  };
}
