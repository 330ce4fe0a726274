// Spans the mesh reports for each proxied call, as Istio's sidecars do: one span per hop, named
// after the upstream host, tagged like Envoy's (response_flags, upstream_cluster, guid:x-request-id),
// inserted into the caller's B3 trace so that the trace stays one tree through the mesh.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';

type Headers = Record<string, string | string[] | undefined>;

const getter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const setter: TextMapSetter<Headers> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const b3 = new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
/** The B3 headers the mesh rewrites; any single-header `b3` from the caller is dropped too. */
const B3_HEADERS = new Set([
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
]);

export interface HopSpan {
  /** Names the span once the upstream is known. */
  rename(name: string): void;
  /** `headers` with the B3 headers pointing at this hop's span, for the upstream request. */
  upstreamHeaders(headers: Record<string, string>): Record<string, string>;
  end(outcome: {
    status: number;
    flags: string;
    upstreamCluster: string;
    attributes?: Attributes;
  }): void;
}

export interface ProxySpans {
  /** Starts the span of one hop; `proxy` is the reporting proxy's service name, `frontend.quiz`. */
  start(proxy: string, name: string, incoming: Headers, attributes: Attributes): HopSpan;
  /** Sampling for traces that start at the mesh (Telemetry's randomSamplingPercentage). */
  setSamplingPercentage(percentage: number): void;
  flush(): Promise<void>;
}

export function createProxySpans(
  zipkinUrl: string | undefined,
  samplingPercentage = 100,
): ProxySpans {
  const exporter = zipkinUrl ? new ZipkinExporter({ url: zipkinUrl }) : undefined;
  // Swapped when a Telemetry change arrives; the root sampler delegates to the current one.
  let ratioSampler = new TraceIdRatioBasedSampler(samplingPercentage / 100);
  const root: Sampler = {
    shouldSample: (context, traceId) => ratioSampler.shouldSample(context, traceId),
    toString: () => ratioSampler.toString(),
  };
  const providers = new Map<string, { provider: TracerProvider; tracer: Tracer }>();
  const tracerFor = (proxy: string): Tracer => {
    let entry = providers.get(proxy);
    if (!entry) {
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': proxy }),
        sampler: new ParentBasedSampler({ root }),
        spanProcessors: exporter
          ? [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })]
          : [],
      });
      entry = { provider, tracer: provider.getTracer('quizmesh-mesh') };
      providers.set(proxy, entry);
    }
    return entry.tracer;
  };

  return {
    start(proxy, name, incoming, attributes) {
      const parent: Context = b3.extract(ROOT_CONTEXT, incoming, getter);
      const span: Span = tracerFor(proxy).startSpan(
        name,
        { kind: SpanKind.CLIENT, attributes },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      return {
        rename(newName) {
          span.updateName(newName);
        },
        upstreamHeaders(headers) {
          const upstream: Headers = Object.fromEntries(
            Object.entries(headers).filter(([header]) => !B3_HEADERS.has(header)),
          );
          b3.inject(spanContext, upstream, setter);
          return upstream as Record<string, string>;
        },
        end({ status, flags, upstreamCluster, attributes: extra }) {
          span.setAttributes({
            'http.status_code': String(status),
            response_flags: flags,
            upstream_cluster: upstreamCluster,
            ...extra,
          });
          if (status >= 500 || status === 0) {
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: flags === '-' ? `status ${status}` : flags,
            });
          }
          span.end();
        },
      };
    },
    setSamplingPercentage(percentage) {
      ratioSampler = new TraceIdRatioBasedSampler(percentage / 100);
    },
    async flush() {
      await Promise.all([...providers.values()].map(({ provider }) => provider.forceFlush()));
    },
  };
}
