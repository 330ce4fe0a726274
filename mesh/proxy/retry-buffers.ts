// How much of the request bodies in flight the proxy keeps, so that a retry can resend one. Bodies
// stream to the upstream as they arrive (request-body.ts); a copy is kept only while a retry may
// still need it, as Envoy's router does, and every copy counts against one budget for the whole
// mesh, so that many large uploads at once cannot take its memory.
//
// Envoy's router buffers the body for retries (and shadows) up to the route's
// per_request_buffer_limit_bytes, else the listener's per_connection_buffer_limit_bytes (1 MiB by
// default; Istio sets neither for HTTP routes). When a body outgrows it, the router gives up the
// retry: it counts cluster.<name>.retry_or_shadow_abandoned, drops its copy and streams the rest
// on; the try in progress is the only one, and its answer is the answer (no URX, as the retries
// did not run out). If no try is in progress then (the first failed and the retry is waiting out
// its back-off) it answers 507 "exceeded request buffer limit while retrying upstream". The
// local mesh does all of that. A mirrored request's shadow is sent from the same copy once the
// body has arrived (shadow.ts), so a mirrored route keeps it even without retries, and a body past
// the buffer is not shadowed; the retry buffer stays the only copy of a body the mesh keeps.
import { Counter, Gauge, type Registry } from 'prom-client';

/** Envoy's default per_connection_buffer_limit_bytes, the router's retry buffer limit. */
export const RETRY_BUFFER_LIMIT_BYTES = 1024 * 1024;

/**
 * All retry copies together, mesh-wide. Envoy bounds them only per request; one process standing
 * in for every sidecar bounds the sum too. A body that would go past it is treated as one past its
 * own limit: its retry is given up, and it streams on.
 */
export const RETRY_BUFFER_BUDGET_BYTES = 16 * 1024 * 1024;

/** Envoy's answer when the body outgrew the retry buffer while no try was in progress. */
export const RETRY_BUFFER_OVERFLOW = {
  status: 507,
  body: 'exceeded request buffer limit while retrying upstream',
} as const;

export interface RetryBuffers {
  /** Per request: bytes one body may keep. */
  readonly limitBytes: number;
  /** Takes `bytes` from the budget; false (nothing taken) when they do not fit. */
  reserve(bytes: number): boolean;
  release(bytes: number): void;
  /** A request's retry was given up because its body outgrew the buffer. */
  abandoned(clusterName: string): void;
}

export function createRetryBuffers(
  registry: Registry,
  limits: { limitBytes?: number; budgetBytes?: number } = {},
): RetryBuffers {
  const { limitBytes = RETRY_BUFFER_LIMIT_BYTES, budgetBytes = RETRY_BUFFER_BUDGET_BYTES } = limits;
  const held = new Gauge({
    name: 'quizmesh_proxy_request_body_buffered_bytes',
    help: 'Bytes of request bodies the proxy keeps for retries, all requests together.',
    registers: [registry],
  });
  const peak = new Gauge({
    name: 'quizmesh_proxy_request_body_buffered_bytes_peak',
    help: 'The most bytes of request bodies the proxy has kept for retries at once.',
    registers: [registry],
  });
  // Envoy's name and label, as its Prometheus endpoint writes them.
  const abandoned = new Counter({
    name: 'envoy_cluster_retry_or_shadow_abandoned',
    help: 'Retries given up because the request body outgrew the retry buffer.',
    labelNames: ['envoy_cluster_name'],
    registers: [registry],
  });
  let bytes = 0;
  let most = 0;
  return {
    limitBytes,
    reserve(more) {
      if (bytes + more > budgetBytes) return false;
      bytes += more;
      held.set(bytes);
      if (bytes > most) {
        most = bytes;
        peak.set(most);
      }
      return true;
    },
    release(less) {
      bytes -= less;
      held.set(bytes);
    },
    abandoned(clusterName) {
      abandoned.inc({ envoy_cluster_name: clusterName });
    },
  };
}
