// Istio's access logs and traces join on x-request-id, which Envoy sets at the edge and expects the
// app to copy onto its outbound calls. Carrying it as an OpenTelemetry propagator means the same
// instrumentation that forwards B3 forwards it too, with no code in the services.
import { randomUUID } from 'node:crypto';
import {
  context,
  createContextKey,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';

export const REQUEST_ID_HEADER = 'x-request-id';
const requestIdKey = createContextKey('quizmesh x-request-id');

export class RequestIdPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const id = ctx.getValue(requestIdKey);
    if (typeof id === 'string') setter.set(carrier, REQUEST_ID_HEADER, id);
  }

  /** Keeps the caller's id; a request arriving without one (no mesh in front) starts a new one. */
  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, REQUEST_ID_HEADER);
    const id = Array.isArray(raw) ? raw[0] : raw;
    return ctx.setValue(requestIdKey, id && id.length <= 128 ? id : randomUUID());
  }

  fields(): string[] {
    return [REQUEST_ID_HEADER];
  }
}

/** The x-request-id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  const id = context.active().getValue(requestIdKey);
  return typeof id === 'string' ? id : undefined;
}
