// The route table: every VirtualService compiled once, indexed by (gateway, destination service)
// for sidecar traffic and by (gateway, host pattern) for ingress traffic, so that a request only
// walks the routes that can apply to it. Istio's rules, as its documentation and analyzers state:
// - a VirtualService without `gateways` applies to sidecars only (`mesh`); with `gateways`, only to
//   those, plus sidecars when `mesh` is listed;
// - the FIRST http route whose match list matches wins, however specific a later one is;
// - a VirtualService exists but no route matches: Envoy answers 404 with response flag NR;
// - no VirtualService for a service: sidecars route to the whole service (all its instances);
// - two VirtualServices claiming one host for sidecars conflict (analyzer IST0109): the first
//   (Istio: the oldest; here: the first loaded) is used and the other is reported in `conflicts`;
// - VirtualServices bound to one gateway with the same host are merged, routes in load order;
// - at a gateway the Host header picks the VirtualService, most specific host first (exact, then
//   the longest `*.suffix`, then `*`), as Envoy picks a virtual host by domain.
import type { HttpRoute, MeshConfig } from '../config/schema.ts';
import { fqdnOf, resolveHost, type MeshService, type MeshTopology } from '../config/topology.ts';
import {
  compileRouteMatch,
  gatewayKey,
  MESH_GATEWAY,
  type MatchRequest,
  type RequestPredicate,
} from './match.ts';
import { namespaceOf } from './selectors.ts';

export interface CompiledRoute {
  route: HttpRoute;
  /** Position in the VirtualService's `http` list. */
  index: number;
  matches: RequestPredicate;
}

export interface CompiledVirtualService {
  name: string;
  namespace: string;
  file: string;
  hosts: readonly string[];
  /** `mesh` and/or gateways as `namespace/name`. */
  gateways: readonly string[];
  routes: readonly CompiledRoute[];
}

export type RouteSelection =
  | {
      kind: 'route';
      route: HttpRoute;
      /** Namespace to resolve the route's destination hosts in (the VirtualService's). */
      namespace: string;
      /** Absent for the default route of a service without a VirtualService. */
      virtualService?: CompiledVirtualService;
      routeIndex?: number;
    }
  | { kind: 'no-route' };

interface HostBinding {
  /** A VirtualService host as written, lower case: `quiz.example.com`, `*.example.com`, `*`. */
  pattern: string;
  virtualServices: CompiledVirtualService[];
}

export interface RouteTable {
  readonly services: readonly MeshService[];
  /** Key `${gateway}|${service FQDN}`. */
  readonly byGatewayAndService: ReadonlyMap<string, readonly CompiledVirtualService[]>;
  /** Key: gateway as `namespace/name`. */
  readonly byGatewayHost: ReadonlyMap<string, readonly HostBinding[]>;
  readonly defaultRoutes: ReadonlyMap<string, HttpRoute>;
  /** VirtualServices (or hosts of them) ignored because an earlier one claimed the host. */
  readonly conflicts: readonly string[];
}

const NO_ROUTE: RouteSelection = { kind: 'no-route' };

const serviceKey = (gateway: string, service: MeshService): string =>
  `${gateway}|${fqdnOf(service)}`;

/** Compile the VirtualServices of a config against the topology's services. */
export function buildRouteTable(
  config: Pick<MeshConfig, 'virtualServices'>,
  topology: Pick<MeshTopology, 'services'>,
): RouteTable {
  const byGatewayAndService = new Map<string, CompiledVirtualService[]>();
  const byGatewayHost = new Map<string, HostBinding[]>();
  const conflicts: string[] = [];

  for (const resource of config.virtualServices) {
    const namespace = namespaceOf(resource);
    const gateways = (resource.spec.gateways ?? [MESH_GATEWAY]).map((gateway) =>
      gatewayKey(gateway, namespace),
    );
    const virtualService: CompiledVirtualService = {
      name: resource.metadata.name,
      namespace,
      file: resource.source.file,
      hosts: resource.spec.hosts,
      gateways,
      routes: resource.spec.http.map((route, index) => ({
        route,
        index,
        matches: compileRouteMatch(route.match, namespace),
      })),
    };
    for (const gateway of new Set(gateways)) {
      for (const host of new Set(resource.spec.hosts)) {
        if (gateway !== MESH_GATEWAY) bindHost(byGatewayHost, gateway, host, virtualService);
        const service = resolveHost(host, topology.services, namespace);
        if (!service) continue;
        const key = serviceKey(gateway, service);
        const existing = byGatewayAndService.get(key);
        if (!existing) byGatewayAndService.set(key, [virtualService]);
        else if (existing.includes(virtualService))
          continue; // the same host spelt twice
        else if (gateway === MESH_GATEWAY)
          conflicts.push(conflict(virtualService, existing, service));
        else existing.push(virtualService);
      }
    }
  }

  const defaultRoutes = new Map<string, HttpRoute>(
    topology.services.map((service) => [
      fqdnOf(service),
      { route: [{ destination: { host: fqdnOf(service) } }] },
    ]),
  );
  return {
    services: topology.services,
    byGatewayAndService,
    byGatewayHost,
    defaultRoutes,
    conflicts,
  };
}

function conflict(
  ignored: CompiledVirtualService,
  existing: readonly CompiledVirtualService[],
  service: MeshService,
): string {
  const kept = existing[0];
  return (
    `VirtualService ${ignored.namespace}/${ignored.name} (${ignored.file}) is ignored for ` +
    `${fqdnOf(service)}: ${kept?.namespace ?? ''}/${kept?.name ?? ''} (${kept?.file ?? ''}) ` +
    `already routes it for sidecars`
  );
}

function bindHost(
  index: Map<string, HostBinding[]>,
  gateway: string,
  host: string,
  virtualService: CompiledVirtualService,
): void {
  const pattern = host.toLowerCase();
  const bindings = index.get(gateway) ?? [];
  index.set(gateway, bindings);
  const binding = bindings.find((candidate) => candidate.pattern === pattern);
  if (!binding) bindings.push({ pattern, virtualServices: [virtualService] });
  else if (!binding.virtualServices.includes(virtualService)) {
    binding.virtualServices.push(virtualService);
  }
}

/** The VirtualServices that route `service` at `gateway` (`mesh` for sidecars), in order. */
export function virtualServicesFor(
  table: RouteTable,
  service: MeshService,
  gateway: string = MESH_GATEWAY,
): readonly CompiledVirtualService[] {
  return table.byGatewayAndService.get(serviceKey(gatewayKey(gateway), service)) ?? [];
}

/** The VirtualServices bound to `gateway` whose most specific host pattern matches `host`. */
export function virtualServicesForHost(
  table: RouteTable,
  gateway: string,
  host: string,
): readonly CompiledVirtualService[] {
  const bindings = table.byGatewayHost.get(gatewayKey(gateway)) ?? [];
  const name = hostWithoutPort(host).toLowerCase();
  let best: HostBinding | undefined;
  let bestScore = -1;
  for (const binding of bindings) {
    const score = hostPatternScore(binding.pattern, name);
    if (score > bestScore) {
      best = binding;
      bestScore = score;
    }
  }
  return best?.virtualServices ?? [];
}

/** Envoy's virtual host order: exact beats `*.suffix` (longer first) beats `*`; -1 = no match. */
function hostPatternScore(pattern: string, host: string): number {
  if (pattern === host) return Number.MAX_SAFE_INTEGER;
  if (pattern === '*') return 0;
  if (pattern.startsWith('*') && host.endsWith(pattern.slice(1)) && host.length >= pattern.length) {
    return pattern.length;
  }
  return -1;
}

function hostWithoutPort(host: string): string {
  return host.replace(/:\d+$/, '');
}

/**
 * The route for a request: to `service` when the caller named one (sidecar traffic), or, when
 * `service` is undefined, by the Host header at the request's gateway (ingress traffic).
 */
export function selectRoute(
  table: RouteTable,
  service: MeshService | string | undefined,
  request: MatchRequest,
): RouteSelection {
  const gateway = gatewayKey(request.gateway);
  let candidates: readonly CompiledVirtualService[];
  if (service === undefined) {
    if (gateway === MESH_GATEWAY) return NO_ROUTE;
    candidates = virtualServicesForHost(table, gateway, request.headers.host ?? '');
  } else {
    const resolved = typeof service === 'string' ? resolveHost(service, table.services) : service;
    if (!resolved) return NO_ROUTE;
    candidates = virtualServicesFor(table, resolved, gateway);
    if (candidates.length === 0) {
      const route = gateway === MESH_GATEWAY && table.defaultRoutes.get(fqdnOf(resolved));
      return route ? { kind: 'route', route, namespace: resolved.namespace } : NO_ROUTE;
    }
  }
  for (const virtualService of candidates) {
    for (const compiled of virtualService.routes) {
      if (compiled.matches(request)) {
        return {
          kind: 'route',
          route: compiled.route,
          namespace: virtualService.namespace,
          virtualService,
          routeIndex: compiled.index,
        };
      }
    }
  }
  return NO_ROUTE;
}
