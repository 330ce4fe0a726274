// From a chosen cluster to the answer, as Envoy's router and the destination's sidecar do it:
// pick a healthy instance not tried yet (503 UH when none), check the destination's
// AuthorizationPolicies (403, no flag), try it within the per-try and route timeouts, retry as the
// route's policy says, and answer with the last try's outcome (URX when retries ran out). A retry
// needs the body's copy: once the body outgrew the retry buffer, the try in progress is the last
// (retry-buffers.ts), and a body past the listener's limit is answered 413 (request-body.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRoute } from '../config/schema.ts';
import type { MeshInstance } from '../config/topology.ts';
import { authorize } from '../routing/authz.ts';
import { endpointKey } from '../routing/endpoint.ts';
import type { OutlierDetector } from '../routing/outlier.ts';
import { RBAC_DENIED, rbacDeniedDetails, RESPONSE_FLAGS } from '../routing/response-flags.ts';
import {
  retryBackoffMs,
  retryDecision,
  retryPolicyOf,
  type RetryDecision,
  type RetryPolicy,
} from '../routing/retry-policy.ts';
import type { Cluster } from '../routing/subsets.ts';
import type { UpstreamOutcome } from '../routing/upstream-outcome.ts';
import type { Call } from './call.ts';
import { answerLocally, answerWithFlag, relayResponse } from './reply.ts';
import { PAYLOAD_TOO_LARGE } from './request-body.ts';
import { RETRY_BUFFER_OVERFLOW } from './retry-buffers.ts';
import { toUpstreamOutcome, type AttemptOutcome } from './upstream-attempt.ts';

/** What the tries of one request share. */
interface Forwarding {
  cluster: Cluster;
  policy: RetryPolicy;
  /** When the route's timeout ends: Infinity until the whole request has arrived, or for none. */
  deadline: number;
  detector: OutlierDetector;
  /** Endpoints tried already: a retry goes elsewhere when it can. */
  tried: Set<string>;
  /** The caller's headers with this hop's B3 span. */
  headers: Record<string, string>;
}

interface Try {
  instance: MeshInstance;
  outcome: AttemptOutcome;
  upstream: UpstreamOutcome;
}

export async function forwardToCluster(
  call: Call,
  route: HttpRoute,
  cluster: Cluster,
): Promise<void> {
  const { plane } = call;
  const forwarding: Forwarding = {
    cluster,
    policy: retryPolicyOf(route),
    deadline: Infinity,
    detector: plane.upstreams.detectorFor(cluster, plane.now()),
    tried: new Set(),
    headers: call.span.upstreamHeaders(call.headers),
  };
  startRouteTimeout(call, forwarding, route.timeout);
  keepBodyForRetries(call, forwarding);
  for (let tries = 1; ; tries++) {
    const instance = pickInstance(call, forwarding);
    if (!instance) {
      answerWithFlag(call, RESPONSE_FLAGS.NO_HEALTHY_UPSTREAM, {
        cluster,
        reachedDestination: false,
      });
      return;
    }
    if (!authorizeCall(call, instance, cluster)) return;
    const done = await tryInstance(call, forwarding, instance, tries);
    if (call.body.tooLarge) {
      answerBodyRefused(call, PAYLOAD_TOO_LARGE, { instance, cluster });
      return;
    }
    const decision = decideAfterTry(call, forwarding, done, tries);
    if (decision !== 'retry') {
      answerLastTry(call, cluster, done, decision === 'limit-exceeded');
      return;
    }
    if (done.outcome.kind === 'response') done.outcome.response.resume();
    call.body.endTry();
    await sleep(retryBackoffMs(tries, plane.random));
    const refusal = refusalAfterBackOff(call);
    if (refusal) {
      answerBodyRefused(call, refusal, { instance, cluster });
      return;
    }
  }
}

/** The body went on arriving during the back-off, with no try to take it: did it outgrow a limit? */
function refusalAfterBackOff(call: Call): { status: number; body: string } | undefined {
  if (call.body.tooLarge) return PAYLOAD_TOO_LARGE;
  return call.body.retriable ? undefined : RETRY_BUFFER_OVERFLOW;
}

/** As Envoy's route timeout: it runs from the moment the whole request has arrived. */
function startRouteTimeout(
  call: Call,
  forwarding: Forwarding,
  timeoutMs: number | undefined,
): void {
  if (timeoutMs === undefined) return;
  void call.body.finished.then(() => {
    forwarding.deadline = call.plane.now() + timeoutMs;
  });
}

/**
 * Envoy keeps the body for retries only when the route may retry; when it outgrows the buffer the
 * retry is given up and the cluster's retry_or_shadow_abandoned counts it.
 */
function keepBodyForRetries(call: Call, forwarding: Forwarding): void {
  // A mirrored request keeps its copy for the shadow, within the same buffer.
  if (forwarding.policy.attempts === 0 && !call.mirrored) {
    call.body.withoutRetries();
    return;
  }
  call.body.onRetryGivenUp = () => {
    call.plane.retryBuffers.abandoned(forwarding.cluster.name);
  };
}

/** The mesh's own answer about the body (413, 507): no response flag, as Envoy sets none. */
function answerBodyRefused(
  call: Call,
  refusal: { status: number; body: string },
  where: { instance: MeshInstance; cluster: Cluster },
): void {
  const verdict = { ...where, status: refusal.status, flags: [...call.flags] };
  answerLocally(call, { ...verdict, reachedDestination: true }, refusal.body);
}

/** A healthy instance (outlier detection), chosen by the cluster's load balancer policy. */
function pickInstance(call: Call, forwarding: Forwarding): MeshInstance | undefined {
  const { plane } = call;
  const { cluster, detector, tried } = forwarding;
  const healthy = detector.healthy(cluster.instances, plane.now());
  return plane.balancer.pick(cluster.name, healthy, cluster.trafficPolicy.loadBalancer?.simple, {
    random: plane.random,
    inFlight: (instance) => plane.upstreams.inFlight(instance),
    avoid: tried,
  });
}

/**
 * The destination sidecar's check of its AuthorizationPolicies. True when allowed; otherwise it
 * has answered 403 with no flag, and logs Envoy's response code details at debug level.
 */
function authorizeCall(call: Call, instance: MeshInstance, cluster: Cluster): boolean {
  const { source } = call.listener;
  // Only the policies that select this workload (authorize filters them again, cheaply).
  const security = call.compiled.securityOf(instance);
  const access = authorize(security.policies, instance, {
    principal: security.mtls === 'DISABLE' ? undefined : source.principal,
    namespace: source.namespace,
    method: call.method,
    path: call.path,
  });
  if (access.allowed) return true;
  call.plane.logger.debug(
    {
      source: source.workload,
      destination: instance.workload,
      method: call.method,
      path: call.path,
      response_code_details: rbacDeniedDetails(access),
    },
    RBAC_DENIED.body,
  );
  const verdict = { status: RBAC_DENIED.status, flags: [...call.flags], instance, cluster };
  answerLocally(call, { ...verdict, reachedDestination: true }, RBAC_DENIED.body);
  return false;
}

/** Try number `tries` against `instance`, within the per-try timeout and the route's deadline. */
async function tryInstance(
  call: Call,
  forwarding: Forwarding,
  instance: MeshInstance,
  tries: number,
): Promise<Try> {
  forwarding.tried.add(endpointKey(instance));
  const { plane } = call;
  const perTry = (): number =>
    Math.min(forwarding.policy.perTryTimeoutMs ?? Infinity, forwarding.deadline - plane.now());
  const headers = { ...forwarding.headers, 'x-envoy-attempt-count': String(tries) };
  const request = { method: call.method, path: call.path, headers, body: call.body };
  const outcome = await plane.upstreams.attempt(instance, request, perTry, call.cancel);
  // A timeout before the route's deadline was the per-try timeout's.
  return {
    instance,
    outcome,
    upstream: toUpstreamOutcome(outcome, plane.now() < forwarding.deadline),
  };
}

/** The outlier detector learns of the try; then retry, stop, or stop with the retries run out. */
function decideAfterTry(
  call: Call,
  forwarding: Forwarding,
  done: Try,
  tries: number,
): RetryDecision {
  const now = call.plane.now();
  forwarding.detector.record(done.instance, done.upstream, now);
  // The route's overall timeout is never retried, nor a body whose copy was given up.
  if (now >= forwarding.deadline || !call.body.retriable) return 'no-retry';
  return retryDecision(forwarding.policy, done.upstream, tries);
}

/** How Envoy answers when the last try got no response, and whether the destination saw it. */
const FAILED_TRY = {
  timeout: { flag: RESPONSE_FLAGS.UPSTREAM_REQUEST_TIMEOUT, reachedDestination: true },
  'connect-failure': {
    flag: RESPONSE_FLAGS.UPSTREAM_CONNECTION_FAILURE,
    reachedDestination: false,
  },
  reset: { flag: RESPONSE_FLAGS.UPSTREAM_CONNECTION_TERMINATION, reachedDestination: true },
} as const satisfies Record<Exclude<AttemptOutcome['kind'], 'response'>, object>;

/** The verdict: the last try's outcome as the caller gets it; `exhausted` adds URX. */
function answerLastTry(call: Call, cluster: Cluster, last: Try, exhausted: boolean): void {
  const after = exhausted ? [RESPONSE_FLAGS.UPSTREAM_RETRY_LIMIT_EXCEEDED] : [];
  const { instance, outcome } = last;
  if (outcome.kind === 'response') {
    const status = outcome.response.statusCode ?? 502;
    const verdict = { status, flags: [...call.flags, ...after], instance, cluster };
    relayResponse(call, outcome.response, { ...verdict, reachedDestination: true });
    return;
  }
  const { flag, reachedDestination } = FAILED_TRY[outcome.kind];
  answerWithFlag(call, flag, { instance, cluster, reachedDestination }, after);
}
