// `quizmesh canary <service>` options, checked with zod and refused with the option's name and
// what is wrong with it.
import { z } from 'zod';
import { checkOptions, describeOption, UsageError, type Values } from '../arguments.ts';
import { parseDuration } from '../duration.ts';

export const CANARY_USAGE = `Usage: quizmesh canary <service> --from VERSION --to VERSION [options]
       quizmesh canary status [<service>] [--json]
       quizmesh canary resume <service>
       quizmesh canary abort <service>

Moves <service>'s traffic from one version to another step by step, checking the new version
after every interval as Flagger does with Istio, and promotes or rolls back by itself.

  quizmesh canary quiz --from v1 --to v3 --step 10 --max-weight 50 --interval 30s \\
    --threshold 2 --min-success-rate 99 --max-p99-ms 500
  quizmesh canary quiz --from v1 --to v2 --header x-quiz-player=dev

Each interval, the new version's success rate (share of responses that are not 5xx) and p99 are
read from istio_requests_total and istio_request_duration_milliseconds_bucket as the destination
sidecars report them (reporter="destination", per destination_workload). A passing check moves
--step more percent to it; a passing check at --max-weight promotes it (every call goes to it). A
failing check holds the weight; --threshold failed checks in all roll back (every call goes to
--from). A check with no requests to the new version fails and says so: silence never promotes.
With --header, the rollout first sends only calls with that header to the new version, and that
group stays on it through the percentage steps.

Options:
  --from VERSION           the version in service now (required)
  --to VERSION             the version to roll out (required)
  --step PERCENT           weight added per passing check (default 10)
  --max-weight PERCENT     the last weight checked before promotion (default 50)
  --interval TIME          time between checks, e.g. 30s, 2m (default 30s)
  --threshold N            failed checks that roll back (default 2)
  --min-success-rate PCT   lowest success rate that passes (default 99)
  --max-p99-ms MS          highest p99 that passes (default 500)
  --header NAME=VALUE      a header-matched group that sees the new version first
  --prometheus URL         read figures from this Prometheus (it needs the interval to span at
                           least two scrapes); default: local mode's Prometheus when it runs,
                           else the local mesh's stats endpoint, scraped at each interval's ends
  --config DIR             the mesh-config folder to rewrite (default: the one running local
                           mode applies, else mesh-config)
  --cluster                patch the VirtualService in the cluster of your kubeconfig instead
                           (needs --prometheus, e.g. a port-forwarded http://127.0.0.1:9090)
  --namespace NS           the cluster namespace (default quiz)
  --context NAME           the kubeconfig context (default: the current one)
  --dry-run                print the change every step would make, and the promotion and
                           rollback; change nothing
  -h, --help               show this help

The rollout's state is kept in QUIZMESH_HOME/canary/<service>.json (default .quizmesh): 'status'
shows it; after Ctrl-C (the route in force is left as it is, and said), 'resume' continues from
the same step and 'abort' sends every call back to --from.

Exit status: 0 promoted, 1 rolled back, 2 usage error, 3 halted (interrupted, or a route that
could not be applied).
`;

export interface CanaryOptions {
  service: string;
  from: string;
  to: string;
  step: number;
  maxWeight: number;
  intervalSeconds: number;
  threshold: number;
  minSuccessRate: number;
  maxP99Ms: number;
  header?: { header: string; value: string };
  prometheus?: string;
  /** Undefined: the folder running local mode applies, else mesh-config. */
  configDir?: string;
  cluster: boolean;
  namespace: string;
  context?: string;
  dryRun: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const name = (what: string) => z.string().regex(NAME, `must be a ${what} name like v3`);
const whole = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);
const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number')
  .transform(Number);

const schema = z
  .object({
    service: z.string().regex(NAME, 'must be a service name like quiz'),
    from: name('version'),
    to: name('version'),
    step: whole.pipe(z.number().min(1, 'must be at least 1').max(100, 'must be at most 100')),
    'max-weight': whole.pipe(
      z.number().min(1, 'must be at least 1').max(100, 'must be at most 100'),
    ),
    interval: z
      .string()
      .transform((text) => parseDuration(text) ?? Number.NaN)
      .pipe(
        z
          .number({ error: 'must be a time like 30s, 2m or 1500ms' })
          .min(1, 'must be at least 1s')
          .max(86_400, 'must be at most 24h'),
      ),
    threshold: whole.pipe(z.number().min(1, 'must be at least 1')),
    'min-success-rate': decimal.pipe(z.number().max(100, 'must be at most 100')),
    'max-p99-ms': decimal.pipe(z.number().positive('must be more than 0')),
    header: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+=.+$/, 'must be NAME=VALUE, e.g. x-quiz-player=dev')
      .optional(),
    prometheus: z.url({ protocol: /^https?$/, error: 'must be an http:// URL' }).optional(),
    config: z.string().min(1).optional(),
    cluster: z.boolean(),
    namespace: z.string().regex(NAME, 'must be a namespace name'),
    context: z.string().min(1).optional(),
    'dry-run': z.boolean(),
  })
  .refine((o) => o.from !== o.to, { path: ['to'], message: 'must differ from --from' })
  .refine((o) => !o.cluster || o.prometheus !== undefined || o['dry-run'], {
    path: ['prometheus'],
    message: 'is needed with --cluster (e.g. a port-forwarded http://127.0.0.1:9090)',
  });

export const CANARY_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  step: { type: 'string', default: '10' },
  'max-weight': { type: 'string', default: '50' },
  interval: { type: 'string', default: '30s' },
  threshold: { type: 'string', default: '2' },
  'min-success-rate': { type: 'string', default: '99' },
  'max-p99-ms': { type: 'string', default: '500' },
  header: { type: 'string' },
  prometheus: { type: 'string' },
  config: { type: 'string' },
  cluster: { type: 'boolean', default: false },
  namespace: { type: 'string', default: 'quiz' },
  context: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

/** A new rollout's options; `values` are parseArgs' for CANARY_OPTIONS, `service` the positional. */
export function parseCanaryOptions(
  service: string | undefined,
  values: Values<typeof CANARY_OPTIONS>,
): CanaryOptions {
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError('give --from VERSION and --to VERSION');
  }
  const o = checkOptions(schema, { ...values, service: service ?? '' }, (key, given) =>
    key === 'service' ? `service ${JSON.stringify(given)}` : describeOption(key, given),
  );
  if (o.step > o['max-weight']) {
    throw new UsageError(`--step ${o.step} is more than --max-weight ${o['max-weight']}`);
  }
  const header = o.header === undefined ? undefined : splitHeader(o.header);
  return {
    service: o.service,
    from: o.from,
    to: o.to,
    step: o.step,
    maxWeight: o['max-weight'],
    intervalSeconds: o.interval,
    threshold: o.threshold,
    minSuccessRate: o['min-success-rate'],
    maxP99Ms: o['max-p99-ms'],
    ...(header && { header }),
    ...(o.prometheus !== undefined && { prometheus: o.prometheus.replace(/\/+$/, '') }),
    ...(o.config !== undefined && { configDir: o.config }),
    cluster: o.cluster,
    namespace: o.namespace,
    ...(o.context !== undefined && { context: o.context }),
    dryRun: o['dry-run'],
  };
}

/** Header names are matched lower case, as Istio does. */
function splitHeader(text: string): { header: string; value: string } {
  const at = text.indexOf('=');
  return { header: text.slice(0, at).toLowerCase(), value: text.slice(at + 1) };
}
