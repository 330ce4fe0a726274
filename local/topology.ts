// What local mode runs: every workload of the cluster as its own process on loopback, with the
// same app/version identity and the same environment variables the Kubernetes manifests set.
export interface Workload {
  /** `<app>-<version>`, as the Deployment is named on the cluster. */
  name: string;
  app: string;
  version: string;
  entry: string;
  /** Started with the tracing preload (the trace store itself is not traced). */
  traced: boolean;
  port: number;
  env: Record<string, string>;
}

export interface Addresses {
  host: string;
  sitePort: number;
  zipkinPort: number;
  /** Ports for the internal workloads, in the order of INTERNAL_WORKLOADS. */
  internalPorts: number[];
}

export interface TopologyOptions {
  addresses: Addresses;
  quizVersions: readonly string[];
  /** Which quiz version the frontend calls until the local mesh routes by VirtualService. */
  servingQuizVersion: string;
  dataDir: string;
  roundSecret: string;
  tracing: boolean;
  sampleRatio: number;
}

export function buildTopology(options: TopologyOptions): Workload[] {
  const { host, sitePort, zipkinPort } = options.addresses;
  const ports = [...options.addresses.internalPorts];
  const nextPort = (): number => {
    const port = ports.shift();
    if (port === undefined) throw new Error('not enough ports for the local workloads');
    return port;
  };
  const url = (port: number): string => `http://${host}:${port}`;
  const telemetry = {
    TRACING: options.tracing ? 'on' : 'off',
    TRACE_SAMPLE_RATIO: String(options.sampleRatio),
    ZIPKIN_URL: `${url(zipkinPort)}/api/v2/spans`,
  };
  const workload = (app: string, version: string, port: number, env = {}): Workload => ({
    name: `${app}-${version}`,
    app,
    version,
    entry: `services/${app}/main.ts`,
    traced: true,
    port,
    env: {
      SERVICE_NAME: app,
      SERVICE_VERSION: version,
      HOST: host,
      PORT: String(port),
      ...telemetry,
      ...env,
    },
  });

  const images = workload('images', 'v1', nextPort());
  const descriptions = workload('descriptions', 'v1', nextPort());
  const scores = workload('scores', 'v1', nextPort(), { DATA_DIR: options.dataDir });
  const quizzes = options.quizVersions.map((version) =>
    workload('quiz', version, nextPort(), {
      IMAGES_URL: url(images.port),
      DESCRIPTIONS_URL: url(descriptions.port),
      SCORES_URL: url(scores.port),
      ROUND_SECRET: options.roundSecret,
    }),
  );
  const serving = quizzes.find((quiz) => quiz.version === options.servingQuizVersion);
  if (!serving)
    throw new Error(
      `no quiz ${options.servingQuizVersion} among ${options.quizVersions.join(', ')}`,
    );
  const frontend = workload('frontend', 'v1', sitePort, {
    QUIZ_URL: url(serving.port),
    IMAGES_URL: url(images.port),
    SCORES_URL: url(scores.port),
  });
  const zipkin: Workload = {
    name: 'zipkin',
    app: 'zipkin',
    version: 'v1',
    entry: 'tracestore/main.ts',
    traced: false,
    port: zipkinPort,
    env: { SERVICE_NAME: 'zipkin', HOST: host, PORT: String(zipkinPort) },
  };
  return [zipkin, images, descriptions, scores, ...quizzes, frontend];
}

/** How many internal ports buildTopology takes for `quizVersions`. */
export function internalPortCount(quizVersions: readonly string[]): number {
  return 3 + quizVersions.length;
}
