// VirtualService routes in one line each, as an operator says them:
//   match x-quiz-player=alice → quiz v2
//   quiz v1 90% · v3 10% (timeout 3s, retries 3 × 1s on 5xx,reset)
// Works on the mesh's parsed resources (schema.ts), where durations are milliseconds.
import {
  virtualService,
  type HttpMatch,
  type HttpRoute,
  type StringMatch,
  type VirtualServiceResource,
} from '../../mesh/config/schema.ts';

export interface RoutedService {
  /** The service the routes are for (`quiz`), or `gateway quiz-gateway` for ingress-only ones. */
  label: string;
  virtualService: string;
  file: string | undefined;
  routes: string[];
}

type SourcedVirtualService = VirtualServiceResource & { source?: { file: string } };

/** Every VirtualService, gateway-bound ones first, then by the services they route. */
export function summariseVirtualServices(
  virtualServices: readonly SourcedVirtualService[],
): RoutedService[] {
  const summaries = virtualServices.map((vs) => ({
    label: labelOf(vs),
    virtualService: vs.metadata.name,
    file: vs.source?.file,
    routes: vs.spec.http.map(summariseHttpRoute),
  }));
  const rank = (s: RoutedService): string => `${s.label.startsWith('gateway ') ? 0 : 1}${s.label}`;
  return summaries.sort((a, b) => rank(a).localeCompare(rank(b)));
}

function labelOf(vs: VirtualServiceResource): string {
  const { gateways, hosts } = vs.spec;
  const servesMesh = gateways === undefined || gateways.includes('mesh');
  if (servesMesh) return hosts.join(', ');
  return `gateway ${gateways.join(', ')}`;
}

export function summariseHttpRoute(route: HttpRoute): string {
  const matches = (route.match ?? []).map(describeMatch).filter((text) => text !== '');
  const when = matches.length > 0 ? `match ${matches.join(' or ')} → ` : '';
  const extras = [describeFault(route.fault), describeTimeout(route), describeRetries(route)];
  const notes = extras.filter((text) => text !== undefined);
  return `${when}${describeDestinations(route.route)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** `quiz v1 90% · v3 10%`: the host once, until it changes; a lone destination without its 100%. */
export function describeDestinations(destinations: HttpRoute['route']): string {
  let lastHost: string | undefined;
  return destinations
    .map(({ destination, weight }) => {
      const host = destination.host === lastHost ? undefined : destination.host;
      lastHost = destination.host;
      const share =
        destinations.length > 1 || (weight !== undefined && weight !== 100)
          ? `${weight ?? 0}%`
          : undefined;
      return [host, destination.subset, share].filter((part) => part !== undefined).join(' ');
    })
    .join(' · ');
}

function describeMatch(match: HttpMatch): string {
  const conditions = [
    ...(match.uri ? [stringCondition('uri', match.uri)] : []),
    ...(match.method ? [stringCondition('method', match.method)] : []),
    ...Object.entries(match.headers ?? {}).map(([name, m]) => stringCondition(name, m)),
    ...Object.entries(match.queryParams ?? {}).map(([name, m]) => stringCondition(`?${name}`, m)),
    ...(match.sourceLabels ? [`from ${labels(match.sourceLabels)}`] : []),
    ...(match.gateways ? [`via ${match.gateways.join(',')}`] : []),
  ];
  return conditions.join(' and ');
}

/** `name=value`, `name=value*` (prefix), `name~/regex/`. */
function stringCondition(name: string, match: StringMatch): string {
  if (match.exact !== undefined) return `${name}=${match.exact}`;
  if (match.prefix !== undefined) return `${name}=${match.prefix}*`;
  return `${name}~/${match.regex ?? ''}/`;
}

const labels = (selected: Record<string, string>): string =>
  Object.entries(selected)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

function describeFault(fault: HttpRoute['fault']): string | undefined {
  if (fault === undefined) return undefined;
  const share = (percentage: { value: number } | undefined): string =>
    percentage === undefined ? 'all calls' : `${percentage.value}%`;
  const parts = [
    ...(fault.delay
      ? [`delay ${duration(fault.delay.fixedDelay)} for ${share(fault.delay.percentage)}`]
      : []),
    ...(fault.abort
      ? [`abort ${fault.abort.httpStatus} for ${share(fault.abort.percentage)}`]
      : []),
  ];
  return parts.length > 0 ? `fault: ${parts.join(', ')}` : undefined;
}

const describeTimeout = (route: HttpRoute): string | undefined =>
  route.timeout === undefined ? undefined : `timeout ${duration(route.timeout)}`;

function describeRetries(route: HttpRoute): string | undefined {
  const { retries } = route;
  if (retries === undefined) return undefined;
  const perTry = retries.perTryTimeout === undefined ? '' : ` × ${duration(retries.perTryTimeout)}`;
  const on = retries.retryOn === undefined ? '' : ` on ${retries.retryOn.join(',')}`;
  return `retries ${retries.attempts}${perTry}${on}`;
}

/** Milliseconds back into Istio's notation: 3000 → 3s, 1500 → 1500ms, 120000 → 2m. */
export function duration(ms: number): string {
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** One line per http route of a VirtualService given as plain data. */
export function routesOf(value: unknown): string[] {
  const parsed = virtualService.safeParse(value);
  if (!parsed.success) return ['(not a valid VirtualService)'];
  return parsed.data.spec.http.map(summariseHttpRoute);
}
