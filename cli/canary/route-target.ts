// Where a rollout's routes go. Local: mesh-config/ rewritten through the same code as `quizmesh
// route` (validated, atomic, confirmed by the running local mesh). Cluster: the VirtualService that
// routes the service, patched through the Kubernetes API with the user's kubeconfig; only
// spec.http changes (a JSON merge patch replaces that list whole), computed by the same rewrite.
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { stringify } from 'yaml';
import { z } from 'zod';
import { formatFinding } from '../../mesh/config/findings.ts';
import { planRoute, writeRoute } from '../mesh/apply-route.ts';
import { describeRouteRequest, type RouteRequest } from '../mesh/route-request.ts';
import { routesOf } from '../mesh/route-summary.ts';
import { editRoutes } from '../mesh/virtual-service-file.ts';

export type AppliedRoute = { ok: true; note: string } | { ok: false; message: string };

export interface RouteTarget {
  /** Where routes are written, for the header line. */
  where: string;
  apply(request: RouteRequest): Promise<AppliedRoute>;
  /** The change `apply` would make, as text, without making it. */
  preview(request: RouteRequest): Promise<string>;
  /** Why `apply` would refuse `request`, found without changing anything; undefined if it would not. */
  refusal(request: RouteRequest): Promise<string | undefined>;
}

const APPLY_TIMEOUT_MS = 3_000;

export function localTarget(configDir: string, home: string): RouteTarget {
  return {
    where: configDir,
    async apply(request) {
      const planned = planRoute(configDir, request);
      if (!planned.ok) return { ok: false, message: [planned.why, ...planned.errors].join('\n') };
      const written = await writeRoute(planned, { home, applyTimeoutMs: APPLY_TIMEOUT_MS });
      switch (written.kind) {
        case 'unchanged':
          return { ok: true, note: `${planned.path} already so` };
        case 'unwritable':
          return { ok: false, message: written.message };
        case 'written': {
          const applied = written.mesh?.applied;
          if (applied === undefined) return { ok: true, note: `written to ${planned.path}` };
          if (applied.kind === 'rejected') {
            const why = applied.errors.map((e) => formatFinding(e, configDir));
            return { ok: false, message: ['the local mesh refused it', ...why].join('\n') };
          }
          return applied.kind === 'applied'
            ? { ok: true, note: `applied (generation ${applied.generation})` }
            : { ok: true, note: `written; the mesh did not confirm it within 3 s` };
        }
      }
    },
    refusal(request) {
      const planned = planRoute(configDir, request);
      return Promise.resolve(planned.ok ? undefined : [planned.why, ...planned.errors].join('\n'));
    },
    preview(request) {
      const planned = planRoute(configDir, request);
      if (!planned.ok) return Promise.resolve([planned.why, ...planned.errors].join('\n'));
      const routes = routesOf(planned.edit.next).map((line) => `    ${line}`);
      return Promise.resolve([`  ${planned.path}: spec.http =`, ...routes].join('\n'));
    },
  };
}

const GROUP = 'networking.istio.io';
const VERSION = 'v1';

const listSchema = z.object({ items: z.array(z.looseObject({})) });
const objectName = z.object({ metadata: z.object({ name: z.string() }) });

export interface ClusterOptions {
  namespace: string;
  context?: string;
}

/** Imports the Kubernetes client only when a cluster is the target: it takes a second to load. */
export async function clusterTarget(options: ClusterOptions): Promise<RouteTarget> {
  const { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } =
    await import('@kubernetes/client-node');
  const config = new KubeConfig();
  config.loadFromDefault();
  if (options.context !== undefined) config.setCurrentContext(options.context);
  const api = config.makeApiClient(CustomObjectsApi);
  const { namespace } = options;
  const where = `the cluster (${config.getCurrentContext()}, namespace ${namespace})`;

  /** The merge patch for `request`, and the VirtualService it goes to. */
  async function patchFor(request: RouteRequest) {
    const list = async (plural: string) =>
      listSchema.parse(
        await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural }),
      ).items;
    const sources = (await list('virtualservices')).map((vs) => ({
      file: objectName.parse(vs).metadata.name,
      text: stringify(vs),
    }));
    const edit = editRoutes(sources, request);
    if (edit.created) {
      throw new Error(`no VirtualService in namespace ${namespace} routes ${request.service}`);
    }
    new VirtualService(edit.next as object).validate();
    checkSubsets(request, await list('destinationrules'));
    const http = (edit.next as { spec: { http: unknown } }).spec.http;
    return { name: edit.file, body: { spec: { http } } };
  }

  return {
    where,
    async apply(request) {
      try {
        const { name, body } = await patchFor(request);
        await api.patchNamespacedCustomObject(
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
        );
        return { ok: true, note: `patched VirtualService ${namespace}/${name}` };
      } catch (error) {
        return {
          ok: false,
          message: `cannot patch the route (${describeRouteRequest(request)}): ${reason(error)}`,
        };
      }
    },
    async refusal(request) {
      try {
        await patchFor(request);
        return undefined;
      } catch (error) {
        return reason(error);
      }
    },
    async preview(request) {
      try {
        const { name, body } = await patchFor(request);
        return `  kubectl -n ${namespace} patch virtualservice ${name} --type merge -p '${JSON.stringify(body)}'`;
      } catch (error) {
        return `cannot compute the patch: ${reason(error)}`;
      }
    },
  };
}

/** Every version routed to must be a subset of a DestinationRule for the service, as istiod needs. */
function checkSubsets(request: RouteRequest, rules: readonly object[]): void {
  const subsets = new Set<string>();
  for (const rule of rules) {
    const parsed = new DestinationRule(rule);
    const host = parsed.spec?.host ?? '';
    if (host !== request.service && !host.startsWith(`${request.service}.`)) continue;
    for (const subset of parsed.spec?.subsets ?? []) subsets.add(subset.name);
  }
  const versions = [
    ...request.split.map((s) => s.version),
    ...request.headers.map((h) => h.version),
  ];
  const missing = versions.filter((v) => !subsets.has(v));
  if (missing.length > 0) {
    throw new Error(
      `no DestinationRule for ${request.service} defines subset ${missing.join(', ')}`,
    );
  }
}

const reason = (error: unknown): string => {
  if (error instanceof Error) {
    const body = (error as { body?: unknown }).body;
    return typeof body === 'string' && body !== '' ? `${error.message}: ${body}` : error.message;
  }
  return String(error);
};
