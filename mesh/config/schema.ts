// The subset of Istio's API that the local mesh implements, as strict zod schemas. A field Istio has
// but this mesh does not implement is refused here by name, never silently ignored; the same list
// is documented in mesh-config/README.md. Istio's own schema (@kubernetes-models/istio) is checked
// first, so these schemas only decide what is supported, not what is valid Istio.
import { z } from 'zod';

/** Istio durations: "1s", "250ms", "1.5s", "2m", "1h". */
export const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration like 250ms, 2s or 1m')
  .transform((text) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
    const value = Number(match?.[1]);
    const unit = match?.[2] ?? 'ms';
    return value * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  });

const percentage = z.strictObject({ value: z.number().min(0).max(100) });

/** Exactly one of exact, prefix, regex (Istio's StringMatch). */
export const stringMatch = z
  .strictObject({ exact: z.string(), prefix: z.string(), regex: z.string() })
  .partial()
  .refine((m) => Object.keys(m).length === 1, 'give exactly one of exact, prefix, regex');
export type StringMatch = z.infer<typeof stringMatch>;

const metadata = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const apiHeader = <V extends string, K extends string>(apiVersion: V, kind: K) => ({
  apiVersion: z.literal(apiVersion),
  kind: z.literal(kind),
  metadata,
});

// networking.istio.io/v1 Gateway
export const gateway = z.strictObject({
  ...apiHeader('networking.istio.io/v1', 'Gateway'),
  spec: z.strictObject({
    selector: z.record(z.string(), z.string()),
    servers: z
      .array(
        z.strictObject({
          name: z.string().optional(),
          port: z.strictObject({
            number: z.number().int(),
            name: z.string(),
            protocol: z.enum(['HTTP', 'http']),
          }),
          hosts: z.array(z.string()).min(1),
        }),
      )
      .min(1),
  }),
});

// RFC 9110's field-value: tab, space and visible characters (non-ASCII ones travel as obs-text);
// a line break or control character can never arrive in a header, so a match on it never matches.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// RFC 9110's token: what a header's name may be.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const codePoint = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** A StringMatch on a header: exact, prefix or regex, each something a header value can hold. */
const headerMatch = stringMatch.superRefine((match, ctx) => {
  for (const [key, value] of Object.entries(match)) {
    const control = CONTROL.exec(value)?.[0];
    if (control !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `holds a line break or control character (${codePoint(control)}), which no HTTP header value can carry: it would never match`,
      });
    } else if (
      (key === 'exact' && /^[ \t]|[ \t]$/.test(value)) ||
      (key === 'prefix' && /^[ \t]/.test(value))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${JSON.stringify(value)} starts or ends with a blank, which HTTP strips from a header value before matching: it would never match`,
      });
    }
  }
});

const headerName = z
  .string()
  .regex(TOKEN, "an HTTP header name (a token: letters, digits and !#$%&'*+-.^_`|~)");

const httpMatch = z.strictObject({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  method: stringMatch.optional(),
  headers: z.record(headerName, headerMatch).optional(),
  queryParams: z.record(z.string(), stringMatch).optional(),
  sourceLabels: z.record(z.string(), z.string()).optional(),
  gateways: z.array(z.string()).optional(),
});
export type HttpMatch = z.infer<typeof httpMatch>;

const destination = z.strictObject({
  host: z.string().min(1),
  subset: z.string().optional(),
  port: z.strictObject({ number: z.number().int() }).optional(),
});

export const retryOnConditions = [
  '5xx',
  'gateway-error',
  'connect-failure',
  'reset',
  'refused-stream',
  'retriable-4xx',
] as const;
export type RetryOn = (typeof retryOnConditions)[number];

const httpRoute = z.strictObject({
  name: z.string().optional(),
  match: z.array(httpMatch).optional(),
  route: z
    .array(z.strictObject({ destination, weight: z.number().int().min(0).max(100).optional() }))
    .min(1),
  timeout: duration.optional(),
  retries: z
    .strictObject({
      attempts: z.number().int().min(0),
      perTryTimeout: duration.optional(),
      retryOn: z
        .string()
        .transform((text) => text.split(',').map((c) => c.trim()))
        .pipe(z.array(z.enum(retryOnConditions)))
        .optional(),
    })
    .optional(),
  // Envoy's request_mirror_policies: a fire-and-forget copy to another destination, for a share
  // of requests (mirrorPercentage; every request when absent). Istio 1.2x's `mirrors` list is not
  // implemented: one mirror per route.
  mirror: destination.optional(),
  mirrorPercentage: percentage.optional(),
  fault: z
    .strictObject({
      delay: z.strictObject({ percentage: percentage.optional(), fixedDelay: duration }).optional(),
      abort: z
        .strictObject({
          percentage: percentage.optional(),
          httpStatus: z.number().int().min(200).max(599),
        })
        .optional(),
    })
    .optional(),
});
export type HttpRoute = z.infer<typeof httpRoute>;

// networking.istio.io/v1 VirtualService
export const virtualService = z.strictObject({
  ...apiHeader('networking.istio.io/v1', 'VirtualService'),
  spec: z.strictObject({
    hosts: z.array(z.string()).min(1),
    gateways: z.array(z.string()).optional(),
    http: z.array(httpRoute).min(1),
  }),
});
export type VirtualServiceResource = z.infer<typeof virtualService>;

const trafficPolicy = z.strictObject({
  loadBalancer: z
    .strictObject({ simple: z.enum(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH']) })
    .optional(),
  outlierDetection: z
    .strictObject({
      consecutive5xxErrors: z.number().int().min(0).optional(),
      consecutiveGatewayErrors: z.number().int().min(0).optional(),
      interval: duration.optional(),
      baseEjectionTime: duration.optional(),
      maxEjectionPercent: z.number().int().min(0).max(100).optional(),
    })
    .optional(),
  tls: z.strictObject({ mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']) }).optional(),
});
export type TrafficPolicy = z.infer<typeof trafficPolicy>;

// networking.istio.io/v1 DestinationRule
export const destinationRule = z.strictObject({
  ...apiHeader('networking.istio.io/v1', 'DestinationRule'),
  spec: z.strictObject({
    host: z.string().min(1),
    trafficPolicy: trafficPolicy.optional(),
    subsets: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          labels: z.record(z.string(), z.string()),
          trafficPolicy: trafficPolicy.optional(),
        }),
      )
      .optional(),
  }),
});
export type DestinationRuleResource = z.infer<typeof destinationRule>;

const workloadSelector = z.strictObject({ matchLabels: z.record(z.string(), z.string()) });

// security.istio.io/v1 PeerAuthentication
export const peerAuthentication = z.strictObject({
  ...apiHeader('security.istio.io/v1', 'PeerAuthentication'),
  spec: z.strictObject({
    selector: workloadSelector.optional(),
    mtls: z.strictObject({ mode: z.enum(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']) }).optional(),
  }),
});
export type PeerAuthenticationResource = z.infer<typeof peerAuthentication>;

// security.istio.io/v1 AuthorizationPolicy
export const authorizationPolicy = z.strictObject({
  ...apiHeader('security.istio.io/v1', 'AuthorizationPolicy'),
  spec: z.strictObject({
    selector: workloadSelector.optional(),
    action: z.enum(['ALLOW', 'DENY']).optional(),
    rules: z
      .array(
        z.strictObject({
          from: z
            .array(
              z.strictObject({
                source: z.strictObject({
                  principals: z.array(z.string()).optional(),
                  notPrincipals: z.array(z.string()).optional(),
                  namespaces: z.array(z.string()).optional(),
                }),
              }),
            )
            .optional(),
          to: z
            .array(
              z.strictObject({
                operation: z.strictObject({
                  methods: z.array(z.string()).optional(),
                  paths: z.array(z.string()).optional(),
                  notPaths: z.array(z.string()).optional(),
                }),
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }),
});
export type AuthorizationPolicyResource = z.infer<typeof authorizationPolicy>;

// telemetry.istio.io/v1 Telemetry
export const telemetry = z.strictObject({
  ...apiHeader('telemetry.istio.io/v1', 'Telemetry'),
  spec: z.strictObject({
    selector: workloadSelector.optional(),
    tracing: z
      .array(
        z.strictObject({
          providers: z.array(z.strictObject({ name: z.string() })).optional(),
          randomSamplingPercentage: z.number().min(0).max(100).optional(),
        }),
      )
      .optional(),
  }),
});
export type TelemetryResource = z.infer<typeof telemetry>;

export const SUPPORTED = {
  Gateway: gateway,
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  PeerAuthentication: peerAuthentication,
  AuthorizationPolicy: authorizationPolicy,
  Telemetry: telemetry,
} as const;
export type SupportedKind = keyof typeof SUPPORTED;

/** Every resource in force, grouped by kind, each with the file it came from. */
export interface MeshConfig {
  gateways: Sourced<z.infer<typeof gateway>>[];
  virtualServices: Sourced<VirtualServiceResource>[];
  destinationRules: Sourced<DestinationRuleResource>[];
  peerAuthentications: Sourced<PeerAuthenticationResource>[];
  authorizationPolicies: Sourced<AuthorizationPolicyResource>[];
  telemetries: Sourced<TelemetryResource>[];
}
export type Sourced<T> = T & { source: { file: string } };
