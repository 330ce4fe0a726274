// The routes in force, per service, as the console's canary view shows them: one line per http
// route (as `quizmesh status` says them) and, where the routes have the shape `quizmesh route`
// writes (header routes, then a weighted split), the weights and header routes themselves, to fill
// the form that changes them. Read here from local mode's mesh; cluster-routes.ts builds the same
// view from a cluster's VirtualServices.
import { configInForce, meshStatus } from '../../mesh-client/local-mesh.ts';
import type { HeaderRoute, WeightedVersion } from '../../mesh-client/routes/route-request.ts';
import {
  summariseHttpRoute,
  summariseVirtualServices,
  type RoutedService,
} from '../../mesh-client/routes/route-summary.ts';
import { declaredMeshTopology } from '../../local/mesh-topology.ts';
import { formatFinding } from '../../mesh/config/findings.ts';
import type { HttpRoute, VirtualServiceResource } from '../../mesh/config/schema.ts';
import { MESH_NAMESPACE, resolveHost, type MeshService } from '../../mesh/config/topology.ts';

export interface ServiceRoutes {
  service: string;
  /** The versions the mesh runs, each a subset a route can name. */
  versions: string[];
  /** The VirtualService routing it, and its file (local mode); absent when none does. */
  virtualService?: string;
  file?: string;
  /** One line per http route, in order. */
  routes: string[];
  /** The last route's weights, when it takes every call and names versions of this service. */
  split: WeightedVersion[];
  headers: HeaderRoute[];
  /** Routes of another shape (faults, other matches): a change from the console replaces them. */
  replaced: string[];
}

export interface RoutesView {
  /** Where the routes are read from: local mode's mesh, or a cluster's namespace. */
  where: string;
  /** The local mesh's config generation; a cluster has none. */
  generation?: number;
  /** The latest change the mesh refused, with its findings; the config in force stayed. */
  rejected?: { at: string; findings: string[] };
  services: ServiceRoutes[];
  /** VirtualServices bound to a gateway only: shown, not changed here. */
  gateways: RoutedService[];
}

/** A VirtualService as the mesh parses it; `unreadable` says why its routes cannot be shown. */
export type ListedVirtualService = VirtualServiceResource & {
  source?: { file: string };
  unreadable?: string;
};

/** A service the console can route, where its short host name resolves, and its versions. */
export interface RoutableService {
  service: MeshService;
  /** The subsets a route can name. */
  versions: string[];
}

export async function readRoutesInForce(adminUrl: string, configDir: string): Promise<RoutesView> {
  const [inForce, status] = await Promise.all([configInForce(adminUrl), meshStatus(adminUrl)]);
  const topology = declaredMeshTopology();
  const view: RoutesView = {
    where: `local mode's mesh (${configDir})`,
    generation: inForce.generation,
    ...routesView(
      inForce.config.virtualServices,
      topology.services.map((service) => ({
        service,
        versions: topology.instances
          .filter((instance) => instance.service === service.name)
          .map((instance) => instance.labels.version ?? '')
          .filter((version) => version !== ''),
      })),
    ),
  };
  if (status.rejected !== undefined) {
    view.rejected = {
      at: status.rejected.at,
      findings: status.rejected.errors.map((finding) => formatFinding(finding, configDir)),
    };
  }
  return view;
}

/** Each service's routes in `virtualServices`, and the VirtualServices bound to gateways only. */
export function routesView(
  virtualServices: readonly ListedVirtualService[],
  routable: readonly RoutableService[],
): Pick<RoutesView, 'services' | 'gateways'> {
  const services = routable.map((r) => r.service);
  return {
    services: routable.map(({ service, versions }) =>
      serviceRoutes(
        service.name,
        versions,
        services,
        routingVirtualService(virtualServices, service.name, services),
      ),
    ),
    gateways: summariseVirtualServices(virtualServices).filter((vs) =>
      vs.label.startsWith('gateway '),
    ),
  };
}

/** The services of the topology, by name: the ones the console can route. */
export const routableServices = (): string[] => declaredMeshTopology().services.map((s) => s.name);

function routingVirtualService(
  virtualServices: readonly ListedVirtualService[],
  service: string,
  services: readonly MeshService[],
): ListedVirtualService | undefined {
  return virtualServices.find(({ metadata, spec }) => {
    if (spec.gateways !== undefined && !spec.gateways.includes('mesh')) return false;
    const namespace = metadata.namespace ?? MESH_NAMESPACE;
    return spec.hosts.some((host) => resolveHost(host, services, namespace)?.name === service);
  });
}

function serviceRoutes(
  service: string,
  versions: string[],
  services: readonly MeshService[],
  vs: ListedVirtualService | undefined,
): ServiceRoutes {
  const view: ServiceRoutes = {
    service,
    versions,
    routes: [],
    split: [],
    headers: [],
    replaced: [],
  };
  if (vs === undefined) return view;
  view.virtualService = vs.metadata.name;
  if (vs.source !== undefined) view.file = vs.source.file;
  if (vs.unreadable !== undefined) {
    view.routes = [vs.unreadable];
    view.replaced = [vs.unreadable];
    return view;
  }
  const namespace = vs.metadata.namespace ?? MESH_NAMESPACE;
  const routesTo = (destination: { host: string }): boolean =>
    resolveHost(destination.host, services, namespace)?.name === service;
  const http = vs.spec.http;
  http.forEach((route, i) => {
    const line = summariseHttpRoute(route);
    view.routes.push(line);
    const header = i < http.length - 1 ? headerRoute(route, routesTo) : undefined;
    const split = i === http.length - 1 ? weightedSplit(route, routesTo) : undefined;
    if (header !== undefined) view.headers.push(header);
    else if (split !== undefined) view.split = split;
    else view.replaced.push(line);
  });
  return view;
}

type RoutesTo = (destination: { host: string }) => boolean;

/** A route to one version of the service for calls whose one header is exactly a value. */
function headerRoute(route: HttpRoute, routesTo: RoutesTo): HeaderRoute | undefined {
  const [match, ...otherMatches] = route.match ?? [];
  const [target, ...others] = route.route;
  if (match === undefined || otherMatches.length > 0) return undefined;
  if (target === undefined || others.length > 0) return undefined;
  // `quizmesh route` writes header routes with a match and a destination only.
  const extras = route.fault ?? route.timeout ?? route.retries;
  const { destination } = target;
  if (extras !== undefined || !routesTo(destination)) return undefined;
  const { headers, ...conditions } = match;
  const [only, ...more] = Object.entries(headers ?? {});
  if (only === undefined || more.length > 0 || Object.keys(conditions).length > 0) return undefined;
  const [header, value] = only;
  if (value.exact === undefined || destination.subset === undefined) return undefined;
  return { header, value: value.exact, version: destination.subset };
}

/** The weights of a route that takes every call and names a version of the service each time. */
function weightedSplit(route: HttpRoute, routesTo: RoutesTo): WeightedVersion[] | undefined {
  if ((route.match ?? []).length > 0 || route.fault !== undefined) return undefined;
  const split: WeightedVersion[] = [];
  for (const { destination, weight } of route.route) {
    if (destination.subset === undefined || !routesTo(destination)) {
      return undefined;
    }
    split.push({
      version: destination.subset,
      weight: weight ?? (route.route.length === 1 ? 100 : 0),
    });
  }
  return split;
}
