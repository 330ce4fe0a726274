// From a route destination `{ host, subset? }` to the cluster Envoy would send it to: the service,
// the instances the subset selects and the traffic policy in force. Istio's rules:
// - the DestinationRule for a host is found the way the host is resolved (short names in the
//   rule's namespace); several rules for one host are merged: subsets from all (the first of a
//   name wins), the top-level traffic policy from the first that has one;
// - a subset selects the service's instances whose labels include the subset's labels; no subset
//   means every instance of the service;
// - "Subsets inherit the traffic policies specified at the DestinationRule level. Settings
//   specified at the subset level will override the corresponding settings": field by field at
//   the top level (loadBalancer, outlierDetection, tls), not merged inside a field;
// - a subset no DestinationRule defines has no cluster: Envoy answers 503 (flag NC).
import type { DestinationRuleResource, MeshConfig, TrafficPolicy } from '../config/schema.ts';
import {
  fqdnOf,
  MESH_NAMESPACE,
  resolveHost,
  type MeshInstance,
  type MeshService,
  type MeshTopology,
} from '../config/topology.ts';
import { labelsInclude, namespaceOf } from './selectors.ts';

export type OutlierDetectionPolicy = NonNullable<TrafficPolicy['outlierDetection']>;
export type LoadBalancerPolicy = NonNullable<TrafficPolicy['loadBalancer']>['simple'];

export interface Cluster {
  /** Istio's cluster name: `outbound|8080|v1|quiz.quiz.svc.cluster.local`. */
  name: string;
  service: MeshService;
  subset?: string;
  instances: readonly MeshInstance[];
  trafficPolicy: TrafficPolicy;
  /** The DestinationRules that shaped this cluster, as `namespace/name`. */
  destinationRules: readonly string[];
}

export type ResolvedDestination =
  | { kind: 'cluster'; cluster: Cluster }
  | { kind: 'unknown-host'; host: string }
  | { kind: 'unknown-subset'; service: MeshService; subset: string };

export interface SubsetTable {
  readonly services: readonly MeshService[];
  /** Key: `${service FQDN}|${subset or ''}`. */
  readonly clusters: ReadonlyMap<string, Cluster>;
}

type Subset = NonNullable<DestinationRuleResource['spec']['subsets']>[number];

const clusterKey = (service: MeshService, subset: string | undefined): string =>
  `${fqdnOf(service)}|${subset ?? ''}`;

/** Istio's outbound cluster name for a service port and subset. */
export const clusterNameOf = (service: MeshService, subset?: string): string =>
  `outbound|${service.port}|${subset ?? ''}|${fqdnOf(service)}`;

/** A top-level policy overridden, field by field, by a subset's policy. */
export function mergeTrafficPolicy(
  base: TrafficPolicy | undefined,
  override: TrafficPolicy | undefined,
): TrafficPolicy {
  const merged: TrafficPolicy = { ...base };
  if (override?.loadBalancer) merged.loadBalancer = override.loadBalancer;
  if (override?.outlierDetection) merged.outlierDetection = override.outlierDetection;
  if (override?.tls) merged.tls = override.tls;
  return merged;
}

/** Precompute every cluster (service, and service × subset) of a config and topology. */
export function buildSubsetTable(
  config: Pick<MeshConfig, 'destinationRules'>,
  topology: MeshTopology,
): SubsetTable {
  const clusters = new Map<string, Cluster>();
  for (const service of topology.services) {
    const rules = config.destinationRules.filter(
      (rule) => resolveHost(rule.spec.host, topology.services, namespaceOf(rule)) === service,
    );
    const ruleNames = rules.map((rule) => `${namespaceOf(rule)}/${rule.metadata.name}`);
    const topPolicy = rules.find((rule) => rule.spec.trafficPolicy)?.spec.trafficPolicy;
    const members = topology.instances.filter(
      (instance) => instance.service === service.name && instance.namespace === service.namespace,
    );
    clusters.set(clusterKey(service, undefined), {
      name: clusterNameOf(service),
      service,
      instances: members,
      trafficPolicy: mergeTrafficPolicy(topPolicy, undefined),
      destinationRules: ruleNames,
    });
    const subsets = new Map<string, Subset>();
    for (const rule of rules) {
      for (const subset of rule.spec.subsets ?? []) {
        if (!subsets.has(subset.name)) subsets.set(subset.name, subset);
      }
    }
    for (const subset of subsets.values()) {
      clusters.set(clusterKey(service, subset.name), {
        name: clusterNameOf(service, subset.name),
        service,
        subset: subset.name,
        instances: members.filter((instance) => labelsInclude(instance.labels, subset.labels)),
        trafficPolicy: mergeTrafficPolicy(topPolicy, subset.trafficPolicy),
        destinationRules: ruleNames,
      });
    }
  }
  return { services: topology.services, clusters };
}

/** The cluster a route destination names; `namespace` is the VirtualService's. */
export function resolveDestination(
  table: SubsetTable,
  destination: { host: string; subset?: string | undefined },
  namespace: string = MESH_NAMESPACE,
): ResolvedDestination {
  const service = resolveHost(destination.host, table.services, namespace);
  if (!service) return { kind: 'unknown-host', host: destination.host };
  const cluster = table.clusters.get(clusterKey(service, destination.subset));
  if (!cluster) return { kind: 'unknown-subset', service, subset: destination.subset ?? '' };
  return { kind: 'cluster', cluster };
}
