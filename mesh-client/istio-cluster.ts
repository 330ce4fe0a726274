// A namespace's Istio routing in a cluster, through the Kubernetes API: with the user's kubeconfig
// (or, in a pod, its service account). Its VirtualServices and DestinationRules are listed; a route
// change is computed by the same rewrite as `quizmesh route`, checked as istiod needs it (valid
// Istio, every version a subset), and sent as a JSON merge patch of spec.http, which replaces
// that list whole and leaves the rest of the VirtualService as it is. The patch carries the
// resourceVersion it was computed from, so a change someone else made meanwhile is refused by the
// API server (409 Conflict) instead of overwritten. `quizmesh canary --cluster` and the console's
// cluster mode both change routes through here.
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { RouteRequest } from './routes/route-request.ts';
import { editRoutes } from './routes/virtual-service-file.ts';

const GROUP = 'networking.istio.io';
const VERSION = 'v1';

const listSchema = z.object({ items: z.array(z.looseObject({})) });
const objectName = z.object({
  metadata: z.object({ name: z.string(), resourceVersion: z.string().optional() }),
});
/** Set by k8s/overlays on the DestinationRule of a profile that runs only some versions. */
export const PROFILE_ANNOTATION = 'quizmesh/profile';

export interface ClusterOptions {
  namespace: string;
  context?: string;
}

/** A route change for the cluster: the merge patch, and the VirtualService it goes to. */
export interface ClusterRoute {
  name: string;
  body: { metadata?: { resourceVersion: string }; spec: { http: unknown } };
}

/** A change the cluster would not take as asked; nothing was sent. */
export class RouteRefused extends Error {
  override name = 'RouteRefused';
}

export interface IstioCluster {
  namespace: string;
  /** `the cluster (kind-quizmesh, namespace quiz)` */
  where: string;
  virtualServices(): Promise<Record<string, unknown>[]>;
  destinationRules(): Promise<Record<string, unknown>[]>;
  /** The merge patch for `request`; throws RouteRefused saying why the cluster would refuse it. */
  plan(request: RouteRequest): Promise<ClusterRoute>;
  patch(route: ClusterRoute): Promise<void>;
}

/** Imports the Kubernetes client only when a cluster is the target: it takes a second to load. */
export async function connectIstioCluster(options: ClusterOptions): Promise<IstioCluster> {
  const { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } =
    await import('@kubernetes/client-node');
  const config = new KubeConfig();
  config.loadFromDefault();
  if (options.context !== undefined) config.setCurrentContext(options.context);
  const api = config.makeApiClient(CustomObjectsApi);
  const { namespace } = options;
  const list = async (plural: string) =>
    listSchema.parse(
      await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural }),
    ).items;

  return {
    namespace,
    where: `the cluster (${config.getCurrentContext()}, namespace ${namespace})`,
    virtualServices: () => list('virtualservices'),
    destinationRules: () => list('destinationrules'),
    async plan(request) {
      const [virtualServices, rules] = await Promise.all([
        list('virtualservices'),
        list('destinationrules'),
      ]);
      return planClusterRoute(request, virtualServices, rules, namespace);
    },
    async patch({ name, body }) {
      await api
        .patchNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            namespace,
            plural: 'virtualservices',
            name,
            body,
            fieldManager: 'quizmesh',
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )
        .catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 409) throw error;
          throw new RouteRefused(
            `VirtualService ${namespace}/${name} changed since it was read (someone else's change?): nothing patched; look at it and try again`,
            { cause: error },
          );
        });
    },
  };
}

/** The merge patch `request` needs, given the namespace's VirtualServices and DestinationRules. */
export function planClusterRoute(
  request: RouteRequest,
  virtualServices: readonly object[],
  rules: readonly object[],
  namespace: string,
): ClusterRoute {
  const sources = virtualServices.map((vs) => ({
    file: objectName.parse(vs).metadata.name,
    text: stringify(vs),
  }));
  const edit = editRoutes(sources, request);
  const read = virtualServices.find((vs) => objectName.parse(vs).metadata.name === edit.file);
  if (edit.created) {
    throw new RouteRefused(`no VirtualService in namespace ${namespace} routes ${request.service}`);
  }
  try {
    new VirtualService(edit.next as object).validate();
  } catch (error) {
    throw new RouteRefused(kubeReason(error), { cause: error });
  }
  const subsets = new Set(subsetsOf(rules, request.service));
  const versions = [
    ...request.split.map((s) => s.version),
    ...request.headers.map((h) => h.version),
  ];
  const missing = versions.filter((v) => !subsets.has(v));
  if (missing.length > 0) {
    throw new RouteRefused(
      `no DestinationRule for ${request.service} defines subset ${missing.join(', ')}` +
        profileNote(rules, request.service, missing),
    );
  }
  const http = (edit.next as { spec: { http: unknown } }).spec.http;
  const resourceVersion =
    read === undefined ? undefined : objectName.parse(read).metadata.resourceVersion;
  return {
    name: edit.file,
    body: {
      ...(resourceVersion !== undefined && { metadata: { resourceVersion } }),
      spec: { http },
    },
  };
}

/** Why a version is missing, when a profile says so: `-p bug` deploys quiz v1 alone. */
function profileNote(
  rules: readonly object[],
  service: string,
  missing: readonly string[],
): string {
  for (const rule of rules) {
    const parsed = new DestinationRule(rule);
    const profile = parsed.metadata?.annotations?.[PROFILE_ANNOTATION];
    if (profile === undefined || !rulesFor(parsed.spec?.host, service)) continue;
    return ` (the cluster runs skaffold profile ${profile}, k8s/overlays/${profile}, which deploys no ${service} ${missing.join(', ')})`;
  }
  return '';
}

const rulesFor = (host: string | undefined, service: string): boolean =>
  host === service || (host ?? '').startsWith(`${service}.`);

/** The subsets DestinationRules define for `service`: the versions a route can name, as istiod needs. */
export function subsetsOf(rules: readonly object[], service: string): string[] {
  const subsets = new Set<string>();
  for (const rule of rules) {
    const parsed = new DestinationRule(rule);
    if (!rulesFor(parsed.spec?.host, service)) continue;
    for (const subset of parsed.spec?.subsets ?? []) subsets.add(subset.name);
  }
  return [...subsets];
}

/** An error of the Kubernetes client in one line, with the API server's own words when it gave any. */
export function kubeReason(error: unknown): string {
  if (error instanceof Error) {
    const body = (error as { body?: unknown }).body;
    return typeof body === 'string' && body !== '' ? `${error.message}: ${body}` : error.message;
  }
  return String(error);
}
