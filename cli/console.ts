// `quizmesh console`: the mesh console served from this machine against a cluster, as `istioctl
// dashboard kiali` is used (its Prometheus and Zipkin port-forwarded, its routes through the
// Kubernetes API), or against the local mode running from QUIZMESH_HOME. The console itself is
// console/server; this file checks the options and picks its sources.
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { consoleRoutes } from '../console/server/app.ts';
import { clusterRouting } from '../console/server/cluster-routes.ts';
import { localModeSources } from '../console/server/local-sources.ts';
import { prometheusFigures } from '../console/server/prometheus-figures.ts';
import type { ConsoleSources } from '../console/server/sources.ts';
import { createTraceReader } from '../mesh-client/traces/trace-reader.ts';
import { readRuntimeState } from '../local/runtime-state.ts';
import { baseConfigSchema } from '../services/kit/config.ts';
import { createServiceApp, createServiceContext } from '../services/kit/service.ts';
import { connectIstioCluster, kubeReason } from '../mesh-client/istio-cluster.ts';
import { findLocalMesh, quizmeshHome } from '../mesh-client/local-mesh.ts';
import { checkOptions, defineCommand } from './arguments.ts';

const USAGE = `Usage: quizmesh console --cluster --prometheus URL --zipkin URL [options]
       quizmesh console [--port PORT]

Serves the mesh console (graph, RED, traces, canary: see the README's "Mesh console") on
http://127.0.0.1:PORT for a cluster, as \`istioctl dashboard kiali\` is used. The graph and the RED
table come from the cluster's Prometheus (rate() of istio_requests_total and
istio_request_duration_milliseconds over --window), traces from its Zipkin, and the routes in force
from the VirtualServices and DestinationRules in --namespace, read through the Kubernetes API with
your kubeconfig. A route change from the page is a merge patch of the VirtualService's spec.http,
made by the same code as \`quizmesh canary --cluster\`; its rollouts show from QUIZMESH_HOME.

k8s/ runs Prometheus and Zipkin in namespace quiz. \`skaffold dev\` forwards both to
these ports already, and runs this console in the cluster on port 20001 (give this one another
--port beside it); otherwise:

  kubectl -n quiz port-forward svc/prometheus 9090 &
  kubectl -n quiz port-forward svc/zipkin 9411 &
  quizmesh console --cluster --prometheus http://127.0.0.1:9090 --zipkin http://127.0.0.1:9411

Without --cluster, serves the console for the local mode running from QUIZMESH_HOME (default
.quizmesh), which also serves one itself on CONSOLE_PORT.

Options:
  --cluster           read and change a cluster's mesh (needs --prometheus and --zipkin)
  --prometheus URL    the cluster's Prometheus, e.g. a port-forwarded http://127.0.0.1:9090
  --zipkin URL        the cluster's Zipkin (API under /api/v2), e.g. http://127.0.0.1:9411
  --namespace NS      the namespace of the quiz and its VirtualServices (default quiz)
  --context NAME      the kubeconfig context (default: the current one)
  --window SECONDS    the range of every rate(), at least two scrapes of Prometheus (default 30)
  --port PORT         the port on 127.0.0.1 (default 20001; 0 picks a free one)
  -h, --help          show this help

It answers requests addressed to a loopback name only. Ctrl-C stops it.
Exit status: 0 stopped, 1 cannot listen, or no local mode runs (without --cluster), 2 usage error.
`;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const whole = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// URL' })
  .transform((url) => url.replace(/\/+$/, ''));

const CLUSTER_ONLY = ['prometheus', 'zipkin', 'namespace', 'context', 'window'] as const;

const schema = z
  .object({
    cluster: z.boolean(),
    prometheus: httpUrl.optional(),
    zipkin: httpUrl.optional(),
    namespace: z.string().regex(NAME, 'must be a namespace name').optional(),
    context: z.string().min(1).optional(),
    window: whole
      .pipe(z.number().min(2, 'must be at least 2').max(3600, 'must be at most 3600'))
      .optional(),
    port: whole.pipe(z.number().max(65_535, 'must be at most 65535')).optional(),
  })
  .superRefine((o, ctx) => {
    for (const key of ['prometheus', 'zipkin'] as const) {
      if (o.cluster && o[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is needed with --cluster' });
      }
    }
    for (const key of CLUSTER_ONLY) {
      if (!o.cluster && o[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'goes with --cluster' });
      }
    }
  });
type ConsoleOptions = z.infer<typeof schema>;

export const command = defineCommand({
  usage: USAGE,
  options: {
    cluster: { type: 'boolean', default: false },
    prometheus: { type: 'string' },
    zipkin: { type: 'string' },
    namespace: { type: 'string' },
    context: { type: 'string' },
    window: { type: 'string' },
    port: { type: 'string' },
  },
  run: async ({ values }) => {
    const options = checkOptions(schema, values);
    const sources = options.cluster
      ? await clusterSources(options)
      : await localSources(quizmeshHome());
    if (typeof sources === 'string') {
      process.stderr.write(`quizmesh console: ${sources}\n`);
      return 1;
    }
    return serve(sources.sources, options.port ?? 20_001, sources.from);
  },
});

interface Chosen {
  sources: ConsoleSources;
  /** Where each kind of data comes from, as the start-up line says it. */
  from: string;
}

/** The cluster's sources, or why there are none. */
async function clusterSources(options: ConsoleOptions): Promise<Chosen | string> {
  // Both given: the schema asks for them with --cluster.
  const { prometheus = '', zipkin = '' } = options;
  const namespace = options.namespace ?? 'quiz';
  let cluster;
  try {
    cluster = await connectIstioCluster({
      namespace,
      ...(options.context !== undefined && { context: options.context }),
    });
  } catch (error) {
    return `cannot use the kubeconfig: ${kubeReason(error)}`;
  }
  return {
    sources: {
      figures: prometheusFigures({
        url: prometheus,
        windowSeconds: options.window ?? 30,
        namespace,
      }),
      traces: createTraceReader(zipkin),
      routing: clusterRouting(cluster),
      home: resolve(quizmeshHome()),
    },
    from: `figures from ${prometheus}, traces from ${zipkin}, routes in ${cluster.where}`,
  };
}

/** The running local mode's sources, as local mode gives its own console. */
async function localSources(home: string): Promise<Chosen | string> {
  const mesh = await findLocalMesh(home);
  if (mesh === undefined) {
    return `no local mode runs from ${home} (start one with npm start), or give --cluster`;
  }
  const state = readRuntimeState(home);
  const configDir = resolve(state.meshConfigDir ?? 'mesh-config');
  return {
    sources: localModeSources({
      statsUrl: mesh.statsUrl,
      adminUrl: mesh.adminUrl,
      zipkinUrl: state.zipkinUrl,
      configDir,
      home,
    }),
    from: `local mode's mesh, its trace store and ${configDir}`,
  };
}

/** Serves the console until Ctrl-C (or SIGTERM); resolves to the exit status. */
function serve(sources: ConsoleSources, port: number, from: string): Promise<number> {
  const config = baseConfigSchema.parse({
    SERVICE_NAME: 'console',
    // Its own JSON log would drown the terminal: a failing source shows on the page.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
  });
  const { app } = createServiceApp(createServiceContext(config), consoleRoutes(sources));
  return new Promise((done) => {
    const server = app.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      process.stdout.write(
        `quizmesh console: http://127.0.0.1:${String(bound)}/ (${from}); Ctrl-C stops it\n`,
      );
    });
    server.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${String(port)} is taken (--port)` : error;
      process.stderr.write(`quizmesh console: cannot listen on 127.0.0.1: ${String(why)}\n`);
      done(1);
    });
    const stop = (): void => {
      server.close(() => {
        done(0);
      });
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
