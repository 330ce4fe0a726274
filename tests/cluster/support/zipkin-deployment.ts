// The Zipkin the cluster runs, as k8s/ renders it: the container's image, its storage settings, its
// JAVA_OPTS and its resource limits, and the JVM arguments that make a JVM outside a container size
// itself as the one in the pod does.
//
// QUIZMESH_ZIPKIN_MEM_MAX_SPANS, QUIZMESH_ZIPKIN_JAVA_OPTS, QUIZMESH_ZIPKIN_MEMORY_LIMIT and
// QUIZMESH_ZIPKIN_CPU_LIMIT replace the manifest's values, to show what the tests catch on other
// settings; the settings of commit a475909's parent, for instance:
//   QUIZMESH_ZIPKIN_MEM_MAX_SPANS=200000 QUIZMESH_ZIPKIN_MEMORY_LIMIT=512Mi \
//   QUIZMESH_ZIPKIN_JAVA_OPTS='-Xms256m -Xmx256m -XX:+ExitOnOutOfMemoryError'
import { render, type Resource } from '../../manifests/rendered.ts';

export interface ZipkinDeployment {
  image: string;
  /** The container's env, as name → value (the manifest's, or the overrides above). */
  env: Record<string, string>;
  memoryLimitBytes: number;
  /** Cores, e.g. 1 for `cpu: '1'`, 0.5 for `500m`. */
  cpuLimit: number;
  /** What was taken from elsewhere than the manifest, for the test's report. */
  overridden: string[];
}

const OVERRIDES = {
  MEM_MAX_SPANS: 'QUIZMESH_ZIPKIN_MEM_MAX_SPANS',
  JAVA_OPTS: 'QUIZMESH_ZIPKIN_JAVA_OPTS',
} as const;

const BINARY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes memory quantity (`768Mi`, `1G`, `536870912`) in bytes. */
export function parseMemoryQuantity(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]i|[kMGT]?)$/.exec(text.trim());
  const unit = match?.[2] ?? '';
  const factor = BINARY_UNITS[unit] ?? DECIMAL_UNITS[unit];
  if (!match?.[1] || factor === undefined) throw new Error(`not a memory quantity: ${text}`);
  return Math.round(Number(match[1]) * factor);
}

/** A Kubernetes CPU quantity (`1`, `500m`, `1.5`) in cores. */
export function parseCpuQuantity(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text.trim());
  if (!match?.[1]) throw new Error(`not a CPU quantity: ${text}`);
  return Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
}

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
  resources?: { limits?: { memory?: string; cpu?: string } };
}

/** The zipkin container of the zipkin Deployment in `resources` (k8s/ rendered by default). */
export function zipkinDeployment(
  resources: readonly Resource[] = render('k8s'),
  environment: NodeJS.ProcessEnv = process.env,
): ZipkinDeployment {
  const deployment = resources.find((r) => r.kind === 'Deployment' && r.metadata.name === 'zipkin');
  const spec = deployment?.spec as { template?: { spec?: { containers?: Container[] } } };
  const container = spec.template?.spec?.containers?.find((c) => c.name === 'zipkin');
  if (!container) throw new Error('the rendered manifests hold no zipkin container');
  const memory = container.resources?.limits?.memory;
  const cpu = container.resources?.limits?.cpu;
  if (memory === undefined || cpu === undefined)
    throw new Error('the zipkin container has no memory or CPU limit');

  const env = Object.fromEntries(
    (container.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])),
  );
  const overridden: string[] = [];
  for (const [name, variable] of Object.entries(OVERRIDES)) {
    const value = environment[variable];
    if (value !== undefined) {
      env[name] = value;
      overridden.push(`${name}=${value}`);
    }
  }
  const memoryText = environment.QUIZMESH_ZIPKIN_MEMORY_LIMIT ?? memory;
  const cpuText = environment.QUIZMESH_ZIPKIN_CPU_LIMIT ?? cpu;
  if (memoryText !== memory) overridden.push(`memory limit ${memoryText}`);
  if (cpuText !== cpu) overridden.push(`CPU limit ${cpuText}`);
  return {
    image: container.image,
    env,
    memoryLimitBytes: parseMemoryQuantity(memoryText),
    cpuLimit: parseCpuQuantity(cpuText),
    overridden,
  };
}

/**
 * The JVM's arguments: the container's JAVA_OPTS (the image's start script passes them to `java`
 * as they are), after two that stand in for the container. In the pod, the JVM's container support
 * reads the cgroup's memory limit as the machine's memory and the CPU quota as its processor count;
 * out here there is no cgroup limit, so `-XX:MaxRAMPercentage=75` alone would take 75% of this
 * machine's memory. `-XX:MaxRAM=<limit>` makes the limit the memory the percentage applies to, and
 * `-XX:ActiveProcessorCount=<CPU limit>` gives the JVM the pod's one processor: with one, the JVM
 * picks the Serial collector and its generation sizes (old generation = 2/3 of the heap), as in the
 * pod; with this machine's two it would pick G1, which sizes and collects differently.
 */
export function jvmArguments(deployment: ZipkinDeployment): string[] {
  return [
    `-XX:MaxRAM=${deployment.memoryLimitBytes}`,
    `-XX:ActiveProcessorCount=${Math.max(1, Math.ceil(deployment.cpuLimit))}`,
    ...(deployment.env.JAVA_OPTS ?? '').split(/\s+/).filter((arg) => arg !== ''),
  ];
}

/**
 * The heap the JVM should be given, from the settings alone: -Xmx if JAVA_OPTS says it, else
 * MaxRAMPercentage (the JVM's default 25 when absent) of the memory limit.
 */
export function expectedMaxHeapBytes(deployment: ZipkinDeployment): number {
  const opts = deployment.env.JAVA_OPTS ?? '';
  const xmx = /(?:^|\s)-Xmx(\d+)([kKmMgG]?)(?:\s|$)/.exec(opts);
  if (xmx?.[1]) {
    const unit = (xmx[2] ?? '').toLowerCase();
    const factor = unit === 'g' ? 2 ** 30 : unit === 'm' ? 2 ** 20 : unit === 'k' ? 2 ** 10 : 1;
    return Number(xmx[1]) * factor;
  }
  const percentage = /-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/.exec(opts)?.[1];
  return Math.floor((deployment.memoryLimitBytes * Number(percentage ?? 25)) / 100);
}

/** MEM_MAX_SPANS as a number; Zipkin's own default when the manifest does not set it. */
export function memMaxSpans(deployment: ZipkinDeployment): number {
  return Number(deployment.env.MEM_MAX_SPANS ?? 500_000);
}
