// What local mode asks the mesh to run: the Services and instances, and where to listen. Written as
// JSON by local mode, read by mesh/main.ts; on a cluster, Kubernetes and Istio hold the same facts.
import { z } from 'zod';
import type { MeshTopology } from './config/topology.ts';

const address = z.object({ host: z.string(), port: z.number().int().min(0).max(65_535) });

const outboundListener = address.extend({
  /** The workload instance this listener belongs to: every call on it comes from that workload. */
  source: z.string(),
  /** The Service the app reaches through it. */
  service: z.string(),
});
export type OutboundListener = z.infer<typeof outboundListener>;

export const meshPlanSchema = z.object({
  topology: z.object({
    services: z.array(z.object({ name: z.string(), namespace: z.string(), port: z.number() })),
    instances: z.array(
      z.object({
        workload: z.string(),
        namespace: z.string(),
        labels: z.record(z.string(), z.string()),
        serviceAccount: z.string(),
        service: z.string(),
        host: z.string(),
        port: z.number(),
      }),
    ),
  }),
  /** The ingress gateway (Istio's istio-ingressgateway): where the quiz site is served. */
  ingress: address,
  outbound: z.array(outboundListener),
  /** Envoy's Prometheus endpoint: /stats/prometheus, port 15090 by default. */
  stats: address,
  /** Envoy-style admin: /ready, /config_dump, /clusters. */
  admin: address,
  configDir: z.string(),
  zipkinUrl: z.string().optional(),
});
export type MeshPlan = Omit<z.infer<typeof meshPlanSchema>, 'topology'> & {
  topology: MeshTopology;
};
