// The names the Zipkin UI offers in its pickers: services, and per service its span names and the
// remote services it calls. Each name is counted once per stored span that carries it, so evicting
// the last trace that mentions a service also takes the service off the list.
import { localServiceName, remoteServiceName, type Span } from './span.ts';

export interface NameIndex {
  add(span: Span): void;
  remove(span: Span): void;
  serviceNames(): string[];
  spanNames(serviceName: string): string[];
  remoteServiceNames(serviceName: string): string[];
}

export function createNameIndex(): NameIndex {
  const services = new Map<string, number>();
  const spanNames = new Map<string, Map<string, number>>();
  const remoteNames = new Map<string, Map<string, number>>();

  function update(span: Span, delta: 1 | -1): void {
    const service = localServiceName(span);
    if (service === undefined) return; // as in Zipkin: unnamed services are not searchable
    count(services, service, delta);
    if (span.name !== undefined) count(nested(spanNames, service), span.name, delta);
    const remote = remoteServiceName(span);
    if (remote !== undefined) count(nested(remoteNames, service), remote, delta);
    if (!services.has(service)) {
      spanNames.delete(service);
      remoteNames.delete(service);
    }
  }

  return {
    add: (span) => {
      update(span, 1);
    },
    remove: (span) => {
      update(span, -1);
    },
    serviceNames: () => sorted(services),
    spanNames: (service) => sorted(spanNames.get(service)),
    remoteServiceNames: (service) => sorted(remoteNames.get(service)),
  };
}

function count(counts: Map<string, number>, name: string, delta: number): void {
  const next = (counts.get(name) ?? 0) + delta;
  if (next > 0) counts.set(name, next);
  else counts.delete(name);
}

function nested(maps: Map<string, Map<string, number>>, key: string): Map<string, number> {
  let inner = maps.get(key);
  if (!inner) {
    inner = new Map();
    maps.set(key, inner);
  }
  return inner;
}

function sorted(counts: Map<string, number> | undefined): string[] {
  return counts ? [...counts.keys()].sort() : [];
}
