// The cluster's own Prometheus configuration, k8s/base/observability/prometheus.yml, made to run on
// this machine with as few changes as can be, each one listed in `rewrites`:
// - every kubernetes_sd_configs entry becomes a file_sd_configs entry whose file holds the targets
//   that entry would discover (its namespaces and pod selectors applied to ./cluster-pods.ts's
//   pods), with the __meta_kubernetes_* labels a pod would carry, so relabel_configs run unchanged;
// - a rule_files path under the rules ConfigMap's mount path (read from the Prometheus Deployment)
//   points at a folder holding that ConfigMap's files instead, its glob kept;
// - a relabeling replacement that writes the agent's port (`$1:15020`) writes the port of the
//   agent stand-in of the one pod that job discovers (every pod here shares 127.0.0.1).
// Global settings (scrape and evaluation intervals), jobs, relabel_configs and everything else are
// the file's own. QUIZMESH_CLUSTER_PROMETHEUS_YML reads another file (e.g. an older version, to
// show what the tests catch).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { discover, ROOT, type KubernetesSdConfig, type Pod } from './cluster-pods.ts';

export const CLUSTER_PROMETHEUS_YML =
  process.env.QUIZMESH_CLUSTER_PROMETHEUS_YML ??
  join(ROOT, 'k8s/base/observability/prometheus.yml');

const AGENT_PORT = 15020;

interface ScrapeConfig {
  job_name: string;
  kubernetes_sd_configs?: KubernetesSdConfig[];
  file_sd_configs?: { files: string[] }[];
  relabel_configs?: { replacement?: string }[];
}

interface PrometheusConfig {
  global?: { scrape_interval?: string; evaluation_interval?: string };
  rule_files?: string[];
  scrape_configs?: ScrapeConfig[];
}

export interface PrometheusDeployment {
  image: string;
  args: string[];
  configMountPath: string;
  /** Where the rules ConfigMap is mounted, and the files it is made of. */
  rules?: { mountPath: string; files: string[] };
}

interface Container {
  image: string;
  args?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
}

/** The Prometheus Deployment of k8s/base and the ConfigMaps its volumes hold. */
export function prometheusDeployment(): PrometheusDeployment {
  const docs = readFileSync(join(ROOT, 'k8s/base/observability/prometheus.yaml'), 'utf8')
    .split(/^---$/m)
    .map((text) => parse(text) as Record<string, unknown> | null);
  const deployment = docs.find((d) => d?.kind === 'Deployment') as
    | {
        spec: {
          template: {
            spec: {
              containers: Container[];
              volumes: { name: string; configMap?: { name: string } }[];
            };
          };
        };
      }
    | undefined;
  const pod = deployment?.spec.template.spec;
  const container = pod?.containers.find((c) => c.image.startsWith('prom/prometheus'));
  if (!pod || !container) throw new Error('k8s/base has no Prometheus Deployment');
  const mountOf = (configMap: string): string | undefined => {
    const volume = pod.volumes.find((v) => v.configMap?.name === configMap);
    return container.volumeMounts?.find((m) => m.name === volume?.name)?.mountPath;
  };
  const rulesMount = mountOf('prometheus-rules');
  const rulesFiles = generatedFiles('prometheus-rules');
  return {
    image: container.image,
    args: container.args ?? [],
    configMountPath: mountOf('prometheus-config') ?? '/etc/prometheus',
    ...(rulesMount !== undefined && {
      rules: { mountPath: rulesMount, files: rulesFiles },
    }),
  };
}

/**
 * The files of the ConfigMap generator `name`, found in k8s/base's kustomization or in the folders
 * it includes that carry their own (prometheus/ holds the rules'), as absolute paths.
 */
function generatedFiles(name: string): string[] {
  for (const dir of ['k8s/base', 'prometheus', 'grafana']) {
    const kustomization = parse(readFileSync(join(ROOT, dir, 'kustomization.yaml'), 'utf8')) as {
      configMapGenerator?: { name: string; files?: string[] }[];
    };
    const generator = kustomization.configMapGenerator?.find((g) => g.name === name);
    if (generator) return (generator.files ?? []).map((f) => join(ROOT, dir, f));
  }
  return [];
}

export interface ConfigHere {
  file: string;
  scrapeInterval: string;
  evaluationInterval: string;
  /** What was changed to run here, one line each. */
  rewrites: string[];
}

/**
 * Writes the cluster's config, made to run here, into `dir`. `agentPorts`: the agent stand-in's
 * port by pod name.
 */
export function writeConfigHere(
  dir: string,
  pods: readonly Pod[],
  agentPorts: ReadonlyMap<string, number>,
  deployment: PrometheusDeployment,
): ConfigHere {
  const config = parse(readFileSync(CLUSTER_PROMETHEUS_YML, 'utf8')) as PrometheusConfig;
  const rewrites: string[] = [];
  for (const job of config.scrape_configs ?? []) {
    const sds = job.kubernetes_sd_configs ?? [];
    if (sds.length === 0) continue;
    const discovered = sds.map((sd) => discover(sd, pods));
    job.file_sd_configs = discovered.map((groups, i) => {
      const file = join(dir, `${job.job_name}-${String(i)}.json`);
      writeFileSync(file, JSON.stringify(groups, null, 2));
      return { files: [file] };
    });
    delete job.kubernetes_sd_configs;
    rewrites.push(`${job.job_name}: kubernetes_sd_configs → file_sd_configs`);
    for (const rule of job.relabel_configs ?? []) {
      if (rule.replacement?.endsWith(`:${String(AGENT_PORT)}`) !== true) continue;
      const names = new Set(
        discovered.flat().map((g) => g.labels.__meta_kubernetes_pod_name ?? ''),
      );
      const ports = [...names].map((name) => agentPorts.get(name));
      const [port] = ports;
      if (ports.length !== 1 || port === undefined)
        throw new Error(
          `${job.job_name} writes :${String(AGENT_PORT)} for ${[...names].join(', ')}`,
        );
      rule.replacement = `${rule.replacement.slice(0, -String(AGENT_PORT).length)}${String(port)}`;
      rewrites.push(`${job.job_name}: replacement ':${String(AGENT_PORT)}' → ':${String(port)}'`);
    }
  }
  if (config.rule_files && deployment.rules) {
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir, { recursive: true });
    for (const file of deployment.rules.files) copyFileSync(file, join(rulesDir, basename(file)));
    const mount = deployment.rules.mountPath.replace(/\/$/, '');
    config.rule_files = config.rule_files.map((path) => {
      if (!path.startsWith(`${mount}/`)) return path;
      const here = join(rulesDir, path.slice(mount.length + 1));
      rewrites.push(`rule_files: ${path} → ${here}`);
      return here;
    });
  }
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, stringify(config));
  return {
    file,
    scrapeInterval: config.global?.scrape_interval ?? '1m',
    evaluationInterval: config.global?.evaluation_interval ?? '1m',
    rewrites,
  };
}
