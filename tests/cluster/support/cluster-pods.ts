// The pods Prometheus's Kubernetes discovery (role: pod) would list on the cluster, and the
// targets it would make of them, with the same __meta_kubernetes_* labels, so that the cluster's
// relabel_configs run on them unchanged. Namespace quiz comes from k8s/base's own Deployments (pod
// labels, annotations, container ports), with what Istio's injector changes in the pods it injects;
// istio-system holds the ingress gateway and istiod as istioctl's demo profile deploys them. Every
// pod's IP is 127.0.0.1, where local mode runs the processes; the port an agent stand-in listens on
// replaces the injected pods' :15020 (ports are shared here, pod IPs are not).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASE = join(ROOT, 'k8s/base');

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface Pod {
  name: string;
  namespace: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ip: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: { name: string; image?: string; ports?: ContainerPort[] }[];
  /** The ReplicaSet's Deployment: Istio's workload name (source_workload, destination_workload). */
  deployment: string;
}

interface PodTemplate {
  deployment: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: Pod['containers'];
}

interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: { containers?: Pod['containers'] };
    };
  };
}

/** The files of k8s/base that its kustomization lists (mesh-config/ holds no Deployments). */
function baseManifests(): Manifest[] {
  const kustomization = parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  return kustomization.resources
    .filter((file) => !file.startsWith('..'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(BASE, file), 'utf8')).map(
        (doc) => doc.toJS() as Manifest,
      ),
    );
}

/** Every Deployment's pod template in k8s/base, and the namespaces' labels. */
export function clusterManifests(): {
  templates: PodTemplate[];
  namespaceLabels: Record<string, Record<string, string>>;
} {
  const manifests = baseManifests();
  const namespaceLabels: Record<string, Record<string, string>> = {};
  for (const m of manifests)
    if (m.kind === 'Namespace' && m.metadata?.name)
      namespaceLabels[m.metadata.name] = m.metadata.labels ?? {};
  const templates = manifests
    .filter((m) => m.kind === 'Deployment')
    .map((m) => ({
      deployment: m.metadata?.name ?? '',
      namespace: m.metadata?.namespace ?? 'default',
      labels: m.spec?.template?.metadata?.labels ?? {},
      annotations: m.spec?.template?.metadata?.annotations ?? {},
      containers: m.spec?.template?.spec?.containers ?? [],
    }));
  return { templates, namespaceLabels };
}

/** Whether Istio's injector gives the pod a sidecar: namespace label, unless the pod opts out. */
export function injected(
  template: PodTemplate,
  namespaceLabels: Record<string, Record<string, string>>,
): boolean {
  const optOut =
    template.labels['sidecar.istio.io/inject'] ?? template.annotations['sidecar.istio.io/inject'];
  return (
    namespaceLabels[template.namespace]?.['istio-injection'] === 'enabled' && optOut !== 'false'
  );
}

// Kubernetes' own alphabet for generated names (no vowels, no look-alikes).
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const generated = (seed: string, length: number): string =>
  [...createHash('sha256').update(seed).digest()]
    .slice(0, length)
    .map((byte) => NAME_ALPHABET[byte % NAME_ALPHABET.length])
    .join('');

/** The pod a Deployment's ReplicaSet makes: `<deployment>-<pod-template-hash>-<suffix>`. */
export function podOf(template: PodTemplate, replica = 0): Pod {
  const hash = generated(`${template.namespace}/${template.deployment}`, 10);
  return {
    name: `${template.deployment}-${hash}-${generated(`${hash}/${String(replica)}`, 5)}`,
    namespace: template.namespace,
    phase: 'Running',
    ip: '127.0.0.1',
    labels: { ...template.labels, 'pod-template-hash': hash },
    annotations: { ...template.annotations },
    containers: template.containers.map((c) => ({ ...c, ports: c.ports?.map((p) => ({ ...p })) })),
    deployment: template.deployment,
  };
}

/**
 * What Istio's injector (with its default metrics merging) makes of a pod: an istio-proxy
 * container exposing Envoy's stats on 15090, the canonical-service labels, and prometheus.io/*
 * annotations rewritten to the agent's merged endpoint (`agentPort` standing for :15020).
 */
export function withSidecar(pod: Pod, agentPort: number): Pod {
  const { app, version } = pod.labels;
  return {
    ...pod,
    labels: {
      ...pod.labels,
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': app ?? pod.deployment,
      'service.istio.io/canonical-revision': version ?? 'latest',
    },
    annotations: {
      ...pod.annotations,
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(agentPort),
      'prometheus.io/path': '/stats/prometheus',
      'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"]}',
    },
    containers: [
      ...pod.containers,
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2',
        ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
      },
    ],
  };
}

/** istio-system's pods as the demo profile deploys them; the gateway's agent at `gatewayAgentPort`. */
export function istioSystemPods(gatewayAgentPort: number): Pod[] {
  const gateway: Pod = {
    ...podOf({
      deployment: 'istio-ingressgateway',
      namespace: 'istio-system',
      labels: {
        app: 'istio-ingressgateway',
        istio: 'ingressgateway',
        chart: 'gateways',
        heritage: 'Tiller',
        release: 'istio',
        'service.istio.io/canonical-name': 'istio-ingressgateway',
        'service.istio.io/canonical-revision': 'latest',
        'sidecar.istio.io/inject': 'false',
      },
      // The chart's own, for a cluster-wide Prometheus; the quiz's Prometheus does not read them.
      annotations: {
        'prometheus.io/path': '/stats/prometheus',
        'prometheus.io/port': String(gatewayAgentPort),
        'prometheus.io/scrape': 'true',
      },
      containers: [
        {
          name: 'istio-proxy',
          image: 'docker.io/istio/proxyv2',
          ports: [
            { name: 'status-port', containerPort: 15021 },
            { name: 'http2', containerPort: 8080 },
            { name: 'https', containerPort: 8443 },
            { name: 'tcp', containerPort: 31400 },
            { name: 'tls', containerPort: 15443 },
            { name: 'http-envoy-prom', containerPort: 15090 },
          ],
        },
      ],
    }),
  };
  // Not the gateway: the gateway job's selector must leave it out (it would be scraped at the
  // gateway's address otherwise, and every gateway series would come twice).
  const istiod = podOf({
    deployment: 'istiod',
    namespace: 'istio-system',
    labels: { app: 'istiod', istio: 'pilot', 'sidecar.istio.io/inject': 'false' },
    annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true' },
    containers: [
      {
        name: 'discovery',
        image: 'docker.io/istio/pilot',
        ports: [
          { containerPort: 8080 },
          { containerPort: 15010 },
          { containerPort: 15012 },
          { containerPort: 15014 },
          { containerPort: 15017 },
        ],
      },
    ],
  });
  return [gateway, istiod];
}

/** Prometheus's strutil.SanitizeLabelName. */
const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The targets role: pod makes of a pod (discovery/kubernetes/pod.go): one per container port, or
 * one on the pod's IP alone for a container without ports; none for a pod without an IP.
 */
export function podTargets(pod: Pod): TargetGroup[] {
  if (pod.ip === '') return [];
  const common: Record<string, string> = {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: pod.ip,
    __meta_kubernetes_pod_ready: String(pod.phase === 'Running'),
    __meta_kubernetes_pod_phase: pod.phase,
    __meta_kubernetes_pod_node_name: 'quizmesh-control-plane',
    __meta_kubernetes_pod_host_ip: '127.0.0.1',
    __meta_kubernetes_pod_uid: generated(pod.name, 12),
    __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
    __meta_kubernetes_pod_controller_name: `${pod.deployment}-${pod.labels['pod-template-hash'] ?? ''}`,
  };
  for (const [name, value] of Object.entries(pod.labels)) {
    common[`__meta_kubernetes_pod_label_${sanitize(name)}`] = value;
    common[`__meta_kubernetes_pod_labelpresent_${sanitize(name)}`] = 'true';
  }
  for (const [name, value] of Object.entries(pod.annotations)) {
    common[`__meta_kubernetes_pod_annotation_${sanitize(name)}`] = value;
    common[`__meta_kubernetes_pod_annotationpresent_${sanitize(name)}`] = 'true';
  }
  return pod.containers.flatMap((container) => {
    const labels = {
      ...common,
      __meta_kubernetes_pod_container_name: container.name,
      __meta_kubernetes_pod_container_image: container.image ?? '',
      __meta_kubernetes_pod_container_init: 'false',
    };
    const ports = container.ports ?? [];
    if (ports.length === 0) return [{ targets: [pod.ip], labels }];
    return ports.map((port) => ({
      targets: [`${pod.ip}:${String(port.containerPort)}`],
      labels: {
        ...labels,
        __meta_kubernetes_pod_container_port_name: port.name ?? '',
        __meta_kubernetes_pod_container_port_number: String(port.containerPort),
        __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP',
      },
    }));
  });
}

export interface KubernetesSdConfig {
  role: string;
  namespaces?: { names?: string[] };
  selectors?: { role: string; label?: string; field?: string }[];
}

/** An equality-based label selector (`a=b,c=d`, `a!=b`, `a`), as the API server applies it. */
function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  return selector.split(',').every((term) => {
    const [key = '', value] = term.split(/!?=/).map((s) => s.trim());
    if (term.includes('!=')) return labels[key] !== value;
    if (value === undefined) return key in labels;
    return labels[key] === value;
  });
}

/** The pods a kubernetes_sd_config lists: its namespaces, its pod selectors. */
export function discover(sd: KubernetesSdConfig, pods: readonly Pod[]): TargetGroup[] {
  if (sd.role !== 'pod')
    throw new Error(`kubernetes_sd_configs role ${sd.role}: only pod is stood in`);
  const names = sd.namespaces?.names;
  return pods
    .filter((pod) => names === undefined || names.includes(pod.namespace))
    .filter((pod) =>
      (sd.selectors ?? [])
        .filter((s) => s.role === 'pod')
        .every((s) => {
          if (s.field !== undefined) throw new Error(`field selector ${s.field} is not stood in`);
          return s.label === undefined || matchesSelector(pod.labels, s.label);
        }),
    )
    .flatMap(podTargets);
}
