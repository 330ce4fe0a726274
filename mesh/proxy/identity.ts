// Who is calling, as the mesh knows it from the listener the call arrived on (never from anything
// the app sent), and the Istio labels that describe a call between two workloads.
import {
  CLUSTER_DOMAIN,
  fqdnOf,
  principalOf,
  type MeshInstance,
  type MeshService,
} from '../config/topology.ts';
import type { IstioLabels } from '../telemetry/istio-metrics.ts';

export interface SourceIdentity {
  workload: string;
  namespace: string;
  app: string;
  version: string;
  principal: string;
  labels: Record<string, string>;
  /** The proxy's service name in traces, as Istio names sidecars: `quiz.quiz`. */
  proxyName: string;
}

export const INGRESS_GATEWAY: SourceIdentity = {
  workload: 'istio-ingressgateway',
  namespace: 'istio-system',
  app: 'istio-ingressgateway',
  version: 'unknown',
  principal: `${CLUSTER_DOMAIN}/ns/istio-system/sa/istio-ingressgateway-service-account`,
  labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  proxyName: 'istio-ingressgateway.istio-system',
};

export function identityOf(instance: MeshInstance): SourceIdentity {
  const app = instance.labels.app ?? instance.service;
  return {
    workload: instance.workload,
    namespace: instance.namespace,
    app,
    version: instance.labels.version ?? 'unknown',
    principal: principalOf(instance),
    labels: instance.labels,
    proxyName: `${app}.${instance.namespace}`,
  };
}

const UNKNOWN = 'unknown';

/** Istio's labels for one call, but for reporter and connection_security_policy. */
export function callLabels(
  source: SourceIdentity,
  service: MeshService | undefined,
  destination: MeshInstance | undefined,
  responseCode: number,
  responseFlags: string,
): Omit<IstioLabels, 'reporter' | 'connection_security_policy'> {
  const destinationApp = destination?.labels.app ?? UNKNOWN;
  const destinationVersion = destination?.labels.version ?? UNKNOWN;
  return {
    source_workload: source.workload,
    source_workload_namespace: source.namespace,
    source_principal: `spiffe://${source.principal}`,
    source_app: source.app,
    source_version: source.version,
    source_canonical_service: source.app,
    source_canonical_revision: source.version === UNKNOWN ? 'latest' : source.version,
    source_cluster: 'Kubernetes',
    destination_workload: destination?.workload ?? UNKNOWN,
    destination_workload_namespace: destination?.namespace ?? UNKNOWN,
    destination_principal: destination ? `spiffe://${principalOf(destination)}` : UNKNOWN,
    destination_app: destinationApp,
    destination_version: destinationVersion,
    destination_service: service ? fqdnOf(service) : UNKNOWN,
    destination_service_name: service?.name ?? UNKNOWN,
    destination_service_namespace: service?.namespace ?? UNKNOWN,
    destination_canonical_service: destination ? destinationApp : UNKNOWN,
    destination_canonical_revision: destination ? destinationVersion : UNKNOWN,
    destination_cluster: destination ? 'Kubernetes' : UNKNOWN,
    request_protocol: 'http',
    response_code: String(responseCode),
    grpc_response_status: '',
    response_flags: responseFlags,
  };
}
