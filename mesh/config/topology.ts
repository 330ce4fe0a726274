// What the mesh routes between: Kubernetes Services and the workload instances behind them, as the
// cluster has them (Deployment `<app>-<version>`, labels app/version, one ServiceAccount per app).
export const MESH_NAMESPACE = 'quiz';
export const CLUSTER_DOMAIN = 'cluster.local';

export interface MeshService {
  /** Short name, as apps and VirtualServices say it: `quiz`. */
  name: string;
  namespace: string;
  port: number;
}

export interface MeshInstance {
  /** The Deployment's name: `quiz-v1`. */
  workload: string;
  namespace: string;
  /** Pod labels; subsets and selectors match on these (`app`, `version`). */
  labels: Record<string, string>;
  serviceAccount: string;
  /** The service this instance backs. */
  service: string;
  /** Where the app itself listens. */
  host: string;
  port: number;
}

export interface MeshTopology {
  services: MeshService[];
  instances: MeshInstance[];
}

/** `spiffe://cluster.local/ns/quiz/sa/quiz`, minus the scheme, as AuthorizationPolicy writes it. */
export const principalOf = (instance: Pick<MeshInstance, 'namespace' | 'serviceAccount'>): string =>
  `${CLUSTER_DOMAIN}/ns/${instance.namespace}/sa/${instance.serviceAccount}`;

/** `quiz.quiz.svc.cluster.local` */
export const fqdnOf = (service: Pick<MeshService, 'name' | 'namespace'>): string =>
  `${service.name}.${service.namespace}.svc.${CLUSTER_DOMAIN}`;

/** The service a VirtualService or DestinationRule host names: `quiz`, `quiz.quiz`, or the FQDN. */
export function resolveHost(
  host: string,
  services: readonly MeshService[],
  namespace = MESH_NAMESPACE,
): MeshService | undefined {
  return services.find(
    (service) =>
      (service.namespace === namespace && host === service.name) ||
      host === `${service.name}.${service.namespace}` ||
      host === fqdnOf(service),
  );
}
