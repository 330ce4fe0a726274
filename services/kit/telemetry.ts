// The app never imports the tracing SDK; at shutdown it reaches the provider that the preloaded
// instrumentation registered through the API, to export the spans still queued.
import { trace, type TracerProvider } from '@opentelemetry/api';

interface Flushable {
  forceFlush(): Promise<void>;
}

function isFlushable(value: unknown): value is Flushable {
  return typeof value === 'object' && value !== null && 'forceFlush' in value;
}

export async function flushTelemetry(): Promise<void> {
  const provider: TracerProvider & { getDelegate?: () => TracerProvider } =
    trace.getTracerProvider();
  const delegate = provider.getDelegate?.() ?? provider;
  if (isFlushable(delegate)) await delegate.forceFlush();
}
