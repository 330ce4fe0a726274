// Checks across resources, once each one is valid on its own: names are unique, every host,
// gateway and subset a route names exists, weights add up, and every subset has instances. These
// are the mistakes Istio accepts and then answers with 404s and 503s; the local mesh refuses them.
import { fieldPath, resourceName, type Finding } from './findings.ts';
import type { DestinationRuleResource, MeshConfig, VirtualServiceResource } from './schema.ts';
import { resolveHost, type MeshService, type MeshTopology } from './topology.ts';
import { instancesOfSubset, labelKeyProblem, labelValueProblem, namespaceOf } from './workloads.ts';

interface Resource {
  metadata: { name: string; namespace?: string | undefined };
  source: { file: string };
}

type Report = (resource: Resource, path: readonly PropertyKey[], reason: string) => void;

export function validateReferences(config: MeshConfig, topology: MeshTopology): Finding[] {
  const findings: Finding[] = [];
  const reporter =
    (kind: string): Report =>
    (resource, path, reason) => {
      findings.push({
        file: resource.source.file,
        resource: resourceName(kind, resource.metadata.name),
        ...(path.length > 0 && { field: fieldPath(path) }),
        reason,
      });
    };

  checkUniqueNames(config, reporter);
  for (const gw of config.gateways) {
    checkLabels(gw.spec.selector, ['spec', 'selector'], (path, reason) => {
      reporter('Gateway')(gw, path, reason);
    });
  }
  const subsetsByService = checkDestinationRules(config, topology, reporter('DestinationRule'));
  checkVirtualServices(config, topology, subsetsByService, reporter('VirtualService'));
  checkSelectors(config, reporter);
  return findings;
}

const serviceKey = (service: MeshService): string => `${service.namespace}/${service.name}`;

function checkUniqueNames(config: MeshConfig, reporter: (kind: string) => Report): void {
  const groups: [string, Resource[]][] = [
    ['Gateway', config.gateways],
    ['VirtualService', config.virtualServices],
    ['DestinationRule', config.destinationRules],
    ['PeerAuthentication', config.peerAuthentications],
    ['AuthorizationPolicy', config.authorizationPolicies],
    ['Telemetry', config.telemetries],
  ];
  for (const [kind, resources] of groups) {
    const seen = new Map<string, Resource>();
    for (const resource of resources) {
      const key = `${namespaceOf(resource)}/${resource.metadata.name}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, resource);
      else {
        reporter(kind)(
          resource,
          ['metadata', 'name'],
          `duplicate: ${kind} ${key} is also defined in ${first.source.file} (on a cluster, the one applied last would silently replace the other)`,
        );
      }
    }
  }
}

/** Subset names by service, from the one DestinationRule each service may have. */
function checkDestinationRules(
  config: MeshConfig,
  topology: MeshTopology,
  report: Report,
): Map<string, { rule: DestinationRuleResource & Resource; subsets: Set<string> }> {
  const byService = new Map<
    string,
    { rule: DestinationRuleResource & Resource; subsets: Set<string> }
  >();
  for (const rule of config.destinationRules) {
    const namespace = namespaceOf(rule);
    const service = resolveHost(rule.spec.host, topology.services, namespace);
    if (service === undefined) {
      report(rule, ['spec', 'host'], noServiceReason(rule.spec.host, namespace, topology));
      continue;
    }
    const first = byService.get(serviceKey(service));
    if (first !== undefined) {
      report(
        rule,
        ['spec', 'host'],
        `host ${rule.spec.host} already has DestinationRule ${first.rule.metadata.name} (${first.rule.source.file}): the local mesh takes one per host`,
      );
      continue;
    }
    const subsets = new Set<string>();
    (rule.spec.subsets ?? []).forEach((subset, i) => {
      const at = ['spec', 'subsets', i];
      if (subsets.has(subset.name)) {
        report(rule, [...at, 'name'], `subset ${subset.name} is defined twice`);
      }
      subsets.add(subset.name);
      checkLabels(subset.labels, [...at, 'labels'], (path, reason) => {
        report(rule, path, reason);
      });
      if (instancesOfSubset(service, subset.labels, topology.instances).length === 0) {
        report(
          rule,
          [...at, 'labels'],
          `subset ${subset.name} selects no instance of ${service.name} (${describeInstances(service, topology)}): calls routed to it would fail with 503 (IST0173)`,
        );
      }
    });
    byService.set(serviceKey(service), { rule, subsets });
  }
  return byService;
}

function checkVirtualServices(
  config: MeshConfig,
  topology: MeshTopology,
  subsetsByService: ReturnType<typeof checkDestinationRules>,
  report: Report,
): void {
  const gateways = new Set(config.gateways.map((gw) => `${namespaceOf(gw)}/${gw.metadata.name}`));
  const meshClaims = new Map<string, VirtualServiceResource & Resource>();
  for (const vs of config.virtualServices) {
    const namespace = namespaceOf(vs);
    const checkGateway = (ref: string, path: readonly PropertyKey[]): void => {
      if (ref === 'mesh') return;
      const key = ref.includes('/') ? ref : `${namespace}/${ref}`;
      if (!gateways.has(key)) {
        const known = [...gateways].join(', ') || 'none';
        report(vs, path, `Gateway ${key} does not exist (Gateways: ${known}) (IST0101)`);
      }
    };
    (vs.spec.gateways ?? []).forEach((ref, i) => {
      checkGateway(ref, ['spec', 'gateways', i]);
    });

    const servesMesh = vs.spec.gateways === undefined || vs.spec.gateways.includes('mesh');
    vs.spec.hosts.forEach((host, i) => {
      if (!servesMesh) return; // A gateway's hosts are whatever names clients use: "*" included.
      const service = resolveHost(host, topology.services, namespace);
      if (service === undefined) {
        report(vs, ['spec', 'hosts', i], noServiceReason(host, namespace, topology));
        return;
      }
      const claimed = meshClaims.get(serviceKey(service));
      if (claimed !== undefined) {
        report(
          vs,
          ['spec', 'hosts', i],
          `host ${host} is already routed by VirtualService ${claimed.metadata.name} (${claimed.source.file}): only one VirtualService in the mesh may route a service (IST0109)`,
        );
      } else meshClaims.set(serviceKey(service), vs);
    });

    const checkDestination = (destination: Destination, path: readonly PropertyKey[]): void => {
      checkRouteDestination(
        destination,
        path,
        { namespace, topology, subsetsByService },
        (p, why) => {
          report(vs, p, why);
        },
      );
    };
    vs.spec.http.forEach((route, r) => {
      const at = ['spec', 'http', r];
      (route.match ?? []).forEach((match, m) => {
        (match.gateways ?? []).forEach((ref, g) => {
          checkGateway(ref, [...at, 'match', m, 'gateways', g]);
        });
        if (match.sourceLabels !== undefined) {
          checkLabels(match.sourceLabels, [...at, 'match', m, 'sourceLabels'], (path, reason) => {
            report(vs, path, reason);
          });
        }
      });
      checkWeights(route.route, [...at, 'route'], (path, reason) => {
        report(vs, path, reason);
      });
      route.route.forEach(({ destination }, d) => {
        checkDestination(destination, [...at, 'route', d, 'destination']);
      });
      if (route.mirror !== undefined) checkDestination(route.mirror, [...at, 'mirror']);
    });
  }
}

type Destination = VirtualServiceResource['spec']['http'][number]['route'][number]['destination'];

/** A route's destination, or its mirror: the host names a Service, the port and subset exist. */
function checkRouteDestination(
  destination: Destination,
  path: readonly PropertyKey[],
  where: {
    namespace: string;
    topology: MeshTopology;
    subsetsByService: ReturnType<typeof checkDestinationRules>;
  },
  report: (path: readonly PropertyKey[], reason: string) => void,
): void {
  const { namespace, topology, subsetsByService } = where;
  const service = resolveHost(destination.host, topology.services, namespace);
  if (service === undefined) {
    report([...path, 'host'], noServiceReason(destination.host, namespace, topology));
    return;
  }
  if (destination.port !== undefined && destination.port.number !== service.port) {
    report(
      [...path, 'port', 'number'],
      `Service ${service.name} has no port ${destination.port.number} (it exposes ${service.port})`,
    );
  }
  if (destination.subset === undefined) return;
  const defined = subsetsByService.get(serviceKey(service));
  if (defined === undefined) {
    report(
      [...path, 'subset'],
      `subset ${destination.subset} is not defined: no DestinationRule has host ${service.name} (IST0101)`,
    );
  } else if (!defined.subsets.has(destination.subset)) {
    const known = [...defined.subsets].join(', ') || 'none';
    report(
      [...path, 'subset'],
      `subset ${destination.subset} is not defined for host ${service.name}: DestinationRule ${defined.rule.metadata.name} (${defined.rule.source.file}) defines ${known} (IST0101)`,
    );
  }
}

function checkWeights(
  destinations: readonly { weight?: number | undefined }[],
  path: readonly PropertyKey[],
  report: (path: readonly PropertyKey[], reason: string) => void,
): void {
  if (destinations.length < 2) return; // One destination takes all traffic, weight or not.
  const unweighted = destinations.flatMap((d, i) => (d.weight === undefined ? [i] : []));
  for (const i of unweighted) {
    report([...path, i, 'weight'], 'is required when a route has several destinations');
  }
  if (unweighted.length > 0) return;
  const sum = destinations.reduce((total, d) => total + (d.weight ?? 0), 0);
  if (sum !== 100) {
    const terms = destinations.map((d) => String(d.weight ?? 0)).join(' + ');
    report(path, `weights sum to ${sum} (${terms}), not 100`);
  }
}

function checkSelectors(config: MeshConfig, reporter: (kind: string) => Report): void {
  const scoped: [
    string,
    (Resource & { spec: { selector?: { matchLabels: Record<string, string> } | undefined } })[],
  ][] = [
    ['PeerAuthentication', config.peerAuthentications],
    ['AuthorizationPolicy', config.authorizationPolicies],
    ['Telemetry', config.telemetries],
  ];
  for (const [kind, resources] of scoped) {
    const report = reporter(kind);
    for (const resource of resources) {
      const { selector } = resource.spec;
      if (selector === undefined) continue;
      const at = ['spec', 'selector', 'matchLabels'];
      if (Object.keys(selector.matchLabels).length === 0) {
        report(
          resource,
          at,
          'is empty: name the labels of the workloads, or drop selector to cover the whole namespace',
        );
      }
      checkLabels(selector.matchLabels, at, (path, reason) => {
        report(resource, path, reason);
      });
    }
  }

  // Istio takes one namespace-wide PeerAuthentication per namespace and ignores the others.
  const namespaceWide = new Map<string, Resource>();
  for (const policy of config.peerAuthentications) {
    if (policy.spec.selector !== undefined) continue;
    const first = namespaceWide.get(namespaceOf(policy));
    if (first === undefined) namespaceWide.set(namespaceOf(policy), policy);
    else {
      reporter('PeerAuthentication')(
        policy,
        [],
        `namespace ${namespaceOf(policy)} already has a PeerAuthentication without selector (${first.metadata.name} in ${first.source.file}); Istio would use only one of them`,
      );
    }
  }
}

function checkLabels(
  labels: Readonly<Record<string, string>>,
  path: readonly PropertyKey[],
  report: (path: readonly PropertyKey[], reason: string) => void,
): void {
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(key, value);
    if (problem !== undefined) report([...path, key], problem);
  }
}

function noServiceReason(host: string, namespace: string, topology: MeshTopology): string {
  const names = topology.services
    .filter((s) => s.namespace === namespace)
    .map((s) => s.name)
    .join(', ');
  const there = names === '' ? `no Services in ${namespace}` : `Services in ${namespace}: ${names}`;
  return host === '*'
    ? `host * routes every service: a VirtualService for the mesh must name one Service (${there})`
    : `host ${host} names no Service (${there}) (IST0101)`;
}

function describeInstances(service: MeshService, topology: MeshTopology): string {
  const labels = topology.instances
    .filter((i) => i.service === service.name && i.namespace === service.namespace)
    .map(
      (i) =>
        `${i.workload} {${Object.entries(i.labels)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}}`,
    );
  return labels.length === 0 ? 'it has none' : `it has ${labels.join(', ')}`;
}
