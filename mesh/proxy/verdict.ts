// What ended a request, and its report as Envoy makes it: Istio's metrics from the source sidecar
// and, when the request got there, the destination's, then the end of the hop's span.
import type { MeshInstance } from '../config/topology.ts';
import { connectionSecurityPolicy } from '../routing/peer-auth.ts';
import {
  formatResponseFlags,
  RESPONSE_FLAGS,
  type ResponseFlag,
} from '../routing/response-flags.ts';
import type { Cluster } from '../routing/subsets.ts';
import type { Call } from './call.ts';
import { callLabels } from './identity.ts';

export interface Verdict {
  status: number;
  flags: readonly ResponseFlag[];
  instance?: MeshInstance;
  cluster?: Cluster;
  /** Whether a destination sidecar saw the request (not for NR, NC, UH, UF, FI). */
  reachedDestination: boolean;
}

/** Reports the call once, however many ways it ends (an answer, then the caller hanging up). */
export function reportVerdict(call: Call, outcome: Verdict, responseBytes: number): void {
  if (call.reported) return;
  call.reported = true;
  const verdict = call.cancel.aborted ? hungUp(call, outcome) : outcome;
  const flags = formatResponseFlags(verdict.flags);
  const { source } = call.listener;
  const { service } = call;
  const { instance, status } = verdict;
  const destinationMode = instance ? call.compiled.securityOf(instance).mtls : undefined;
  call.plane.metrics.record({
    key: `${source.workload}|${service?.name ?? ''}|${instance?.workload ?? ''}|${status}|${flags}`,
    labels: () => callLabels(source, service, instance, status, flags),
    destinationSecurity: destinationMode ? connectionSecurityPolicy(destinationMode) : 'unknown',
    reachedDestination: verdict.reachedDestination,
    durationMs: performance.now() - call.started,
    requestBytes: call.body.received,
    responseBytes,
  });
  call.span.end({ status, flags, upstreamCluster: verdict.cluster?.name ?? '-' });
}

/** The caller went away: code 0 unless the answer had begun, and flag DC. */
function hungUp(call: Call, verdict: Verdict): Verdict {
  return {
    ...verdict,
    status: call.res.headersSent ? verdict.status : 0,
    flags: [...verdict.flags, RESPONSE_FLAGS.DOWNSTREAM_CONNECTION_TERMINATION],
  };
}
