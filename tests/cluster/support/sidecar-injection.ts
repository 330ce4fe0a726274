// What Istio's injection webhook adds to a pod, for the scheduler's sums: no istiod runs here, so
// the rendered Deployments get the sidecar (istio-proxy) and its init container (istio-init) with
// the requests and limits of the pinned Istio release's demo profile, the one the README installs
// (k8s/istio/tracing.yaml), read from that release's own values files. Only pods Istio would
// inject: in a namespace labelled istio-injection=enabled, unless labelled
// sidecar.istio.io/inject: "false".
import { parse } from 'yaml';
import type { Resource } from '../../manifests/rendered.ts';

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface SidecarResources {
  proxy: Resources;
  init: Resources;
}

type Values = {
  global?: {
    proxy?: { resources?: Partial<Resources> };
    proxy_init?: { resources?: Partial<Resources> };
  };
};

/**
 * The sidecar's resources: the chart defaults (istio-discovery's values.yaml) overlaid by the demo
 * profile (helm-profiles/demo.yaml), field by field as Helm merges values. istio-init takes
 * proxy_init's when set, else the proxy's, as the injection template does.
 */
export function sidecarResources(chartValues: string, demoProfile: string): SidecarResources {
  const chart = parse(chartValues) as { _internal_defaults_do_not_set?: Values } & Values;
  const defaults = chart._internal_defaults_do_not_set ?? chart;
  const demo = parse(demoProfile) as Values;
  const merged = (pick: (v: Values) => Partial<Resources> | undefined): Resources | undefined => {
    const base = pick(defaults) ?? {};
    const over = pick(demo) ?? {};
    const requests = { ...base.requests, ...over.requests };
    const limits = { ...base.limits, ...over.limits };
    if (!requests.cpu || !requests.memory || !limits.cpu || !limits.memory) return undefined;
    return { requests, limits } as Resources;
  };
  const proxy = merged((v) => v.global?.proxy?.resources);
  if (proxy === undefined)
    throw new Error("Istio's values give the sidecar no requests and limits");
  return { proxy, init: merged((v) => v.global?.proxy_init?.resources) ?? proxy };
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: { name: string }[]; initContainers?: { name: string }[] };
}

/** Adds istio-proxy and istio-init to every Deployment's pods Istio would inject; returns how many. */
export function injectSidecars(resources: Resource[], sidecar: SidecarResources): number {
  const injected = new Set(
    resources
      .filter((r) => r.kind === 'Namespace' && r.metadata.labels?.['istio-injection'] === 'enabled')
      .map((r) => r.metadata.name),
  );
  let count = 0;
  for (const r of resources) {
    if (r.kind !== 'Deployment' || !injected.has(r.metadata.namespace ?? 'default')) continue;
    const template = (r.spec as { template: PodTemplate }).template;
    if (template.metadata?.labels?.['sidecar.istio.io/inject'] === 'false') continue;
    template.spec.containers.push({
      name: 'istio-proxy',
      image: 'istio/proxyv2',
      resources: sidecar.proxy,
    } as never);
    template.spec.initContainers = [
      ...(template.spec.initContainers ?? []),
      { name: 'istio-init', image: 'istio/proxyv2', resources: sidecar.init } as never,
    ];
    count += 1;
  }
  return count;
}
