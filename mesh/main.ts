// The local mesh, one process standing in for istiod and every Envoy: it reads the plan local mode
// wrote (Services, instances, listeners), applies mesh-config/, and proxies every call.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import http from 'node:http';
import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '../services/kit/config.ts';
import { createLogger } from '../services/kit/logger.ts';
import { adminHandler, statsHandler } from './admin.ts';
import { lastGoodStore } from './config/last-good.ts';
import { startControlPlane } from './control-plane.ts';
import { meshPlanSchema, type MeshPlan } from './plan.ts';
import { isProcessesMessage } from './supervisor-report.ts';
import { compileConfig, type CompiledConfig } from './proxy/compiled-config.ts';
import type { DataPlane } from './proxy/data-plane.ts';
import { createRequestHandler } from './proxy/handle-request.ts';
import { identityOf, INGRESS_GATEWAY } from './proxy/identity.ts';
import { createRetryBuffers } from './proxy/retry-buffers.ts';
import { createUpstreamPool } from './proxy/upstream-pool.ts';
import { LoadBalancer } from './routing/load-balancer.ts';
import { createIstioMetrics } from './telemetry/istio-metrics.ts';
import { createProxySpans } from './telemetry/proxy-spans.ts';

const settings = loadConfig(
  baseConfigSchema.pick({ SERVICE_VERSION: true, LOG_LEVEL: true }).extend({
    SERVICE_NAME: baseConfigSchema.shape.SERVICE_NAME.default('mesh'),
    MESH_PLAN_FILE: z.string().min(1),
    /** Where the mesh keeps state across its restarts; local mode's plan sits in QUIZMESH_HOME. */
    MESH_STATE_DIR: z.string().min(1).optional(),
  }),
);
const logger = createLogger({
  service: settings.SERVICE_NAME,
  version: settings.SERVICE_VERSION,
  level: settings.LOG_LEVEL,
});
const plan: MeshPlan = meshPlanSchema.parse(
  JSON.parse(readFileSync(settings.MESH_PLAN_FILE, 'utf8')),
);

const lastGood = lastGoodStore(
  join(
    settings.MESH_STATE_DIR ?? join(dirname(settings.MESH_PLAN_FILE), 'mesh'),
    'last-good-config.json',
  ),
);
const controlPlane = await startControlPlane({
  dir: plan.configDir,
  topology: plan.topology,
  log: logger,
  lastGood,
});
let compiled: CompiledConfig = compileConfig(1, controlPlane.current().config, plan.topology);
const spans = createProxySpans(plan.zipkinUrl, compiled.samplingPercentage);
controlPlane.onApply((snapshot) => {
  compiled = compileConfig(snapshot.generation, snapshot.config, plan.topology);
  spans.setSamplingPercentage(compiled.samplingPercentage);
});

const metrics = createIstioMetrics();
const plane: DataPlane = {
  topology: plan.topology,
  compiled: () => compiled,
  metrics,
  spans,
  balancer: new LoadBalancer(),
  upstreams: createUpstreamPool(),
  retryBuffers: createRetryBuffers(metrics.registry),
  logger,
  random: Math.random,
  now: Date.now,
};

const servers: http.Server[] = [];
const listen = (handler: http.RequestListener, address: { host: string; port: number }): void => {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  server.listen(address.port, address.host);
  servers.push(server);
};

/** The gateways the ingress serves: every Gateway whose selector picks istio-ingressgateway. */
const ingressGateway = (): string => {
  const gateway = compiled.config.gateways.find((g) =>
    Object.entries(g.spec.selector).every(([key, value]) => INGRESS_GATEWAY.labels[key] === value),
  );
  return gateway
    ? `${gateway.metadata.namespace ?? 'quiz'}/${gateway.metadata.name}`
    : 'no-gateway';
};
listen(
  createRequestHandler(plane, { source: INGRESS_GATEWAY, gateway: ingressGateway }),
  plan.ingress,
);
for (const outbound of plan.outbound) {
  const instance = plan.topology.instances.find((i) => i.workload === outbound.source);
  const service = plan.topology.services.find((s) => s.name === outbound.service);
  if (!instance || !service)
    throw new Error(`plan: listener for unknown ${outbound.source} → ${outbound.service}`);
  listen(
    createRequestHandler(plane, {
      source: identityOf(instance),
      gateway: () => 'mesh',
      service,
    }),
    outbound,
  );
}
listen(statsHandler(plane.metrics), plan.stats);
/** Local mode's processes as its supervisor last reported them (none when run alone). */
let processes: unknown[] | undefined;
process.on('message', (message) => {
  if (isProcessesMessage(message)) processes = message.processes;
});
listen(
  adminHandler(controlPlane, () => ({
    listeners: servers.length,
    generation: compiled.generation,
    ...(processes === undefined ? {} : { processes }),
  })),
  plan.admin,
);
logger.info(
  `listening: ingress ${plan.ingress.host}:${plan.ingress.port}, ${plan.outbound.length} outbound listeners`,
);

const stop = (): void => {
  void controlPlane.close();
  for (const server of servers) server.close();
  for (const server of servers) server.closeIdleConnections();
  void spans.flush().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
