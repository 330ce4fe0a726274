// The cluster's Prometheus, as near as this machine can run it: the real local mode plays the
// workloads (every app and quiz version as its own process, the mesh as every Envoy), an agent
// stand-in per injected pod and one for the ingress gateway play the istio-agents' :15020, and the
// real Prometheus of the cluster's version runs the cluster's prometheus.yml over them, discovering
// the pods k8s/base deploys (./cluster-pods.ts) through ./cluster-prometheus-config.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalMode, type RunningLocalMode } from '../../support/local-mode.ts';
import { meshConfigCopy } from '../../support/mesh-config.ts';
import {
  clusterManifests,
  injected,
  istioSystemPods,
  podOf,
  withSidecar,
  type Pod,
} from './cluster-pods.ts';
import {
  prometheusDeployment,
  writeConfigHere,
  type ConfigHere,
} from './cluster-prometheus-config.ts';
import {
  seriesServedByNone,
  startAgentStandIn,
  type AgentStandIn,
} from './istio-agent-stand-in.ts';
import { startPrometheusServer, type PrometheusServer } from './prometheus-server.ts';

export interface ClusterObservability {
  local: RunningLocalMode;
  prometheus: PrometheusServer;
  config: ConfigHere;
  pods: Pod[];
  /** The workloads whose agent stand-ins serve Istio series (the gateway among them). */
  agents: AgentStandIn[];
  /** Sample lines of the mesh that no agent stand-in serves (each series must have one). */
  meshSeriesServedByNone(): Promise<string[]>;
  stop(): Promise<void>;
}

const GATEWAY = 'istio-ingressgateway';

/** Starts it all; `replace`: mesh-config/ files replaced for the run, as meshConfigCopy() takes. */
export async function startClusterObservability(
  replace: Record<string, string> = {},
): Promise<ClusterObservability> {
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-cluster-prometheus-'));
  const deployment = prometheusDeployment();
  const local = await startLocalMode({ QUIZMESH_MESH_CONFIG: meshConfigCopy(replace) });
  const agents: AgentStandIn[] = [];
  const stopAll = async (prometheus?: PrometheusServer): Promise<void> => {
    await prometheus?.stop();
    await Promise.all([...agents.map((a) => a.close()), local.stop()]);
  };
  try {
    const { templates, namespaceLabels } = clusterManifests();
    const pods: Pod[] = [];
    const agentPorts = new Map<string, number>();
    for (const template of templates) {
      const pod = podOf(template);
      if (!injected(template, namespaceLabels)) {
        if (pod.annotations['prometheus.io/scrape'] === 'true')
          throw new Error(`${pod.name} would be scraped on the cluster, and nothing runs it here`);
        // Discovered and, by the keep rule, not scraped: its address is never called.
        pods.push(pod);
        continue;
      }
      const workload = local.state.workloads.find(
        (w) => w.app === template.labels.app && w.version === template.labels.version,
      );
      if (workload === undefined) throw new Error(`local mode runs no ${template.deployment}`);
      // What the agent reads of the pod's own annotations before the injector rewrote them.
      const path = template.annotations['prometheus.io/path'] ?? '/metrics';
      const agent = await startAgentStandIn({
        workload: template.deployment,
        meshStatsUrl: local.state.meshStatsUrl,
        appMetricsUrl: `${workload.url}${path}`,
      });
      agents.push(agent);
      const running = withSidecar(podOf(template), agent.port);
      // The app container's port is where the local process listens; Envoy's 15090 stays as is.
      const appPort = Number(new URL(workload.url).port);
      for (const container of running.containers)
        if (container.name !== 'istio-proxy')
          for (const port of container.ports ?? []) port.containerPort = appPort;
      pods.push(running);
      agentPorts.set(running.name, agent.port);
      if (template.deployment === 'quiz-v1') {
        // A second replica still starting: the phase rule must drop it, else quiz-v1 comes twice.
        pods.push({ ...withSidecar(podOf(template, 1), agent.port), phase: 'Pending' });
      }
    }
    const gatewayAgent = await startAgentStandIn({
      workload: GATEWAY,
      meshStatsUrl: local.state.meshStatsUrl,
    });
    agents.push(gatewayAgent);
    const system = istioSystemPods(gatewayAgent.port);
    pods.push(...system);
    const gatewayPod = system.find((p) => p.deployment === GATEWAY);
    if (gatewayPod) agentPorts.set(gatewayPod.name, gatewayAgent.port);

    const config = writeConfigHere(dir, pods, agentPorts, deployment);
    const prometheus = await startPrometheusServer(deployment, config.file, dir);
    const served = new Set(agents.map((a) => a.workload));
    return {
      local,
      prometheus,
      config,
      pods,
      agents,
      async meshSeriesServedByNone() {
        const text = await (await fetch(local.state.meshStatsUrl)).text();
        return seriesServedByNone(text, served);
      },
      stop: () => stopAll(prometheus),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
