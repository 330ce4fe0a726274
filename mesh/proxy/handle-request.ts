// The data plane: what a sidecar (or the ingress gateway) does with one request. Route by the
// VirtualServices, inject faults, pick a healthy instance of the chosen subset, check the
// destination's AuthorizationPolicies, forward with retries and timeouts, then report the call
// as Envoy does: Istio's metrics from both sides and one span in the caller's trace.
import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRoute } from '../config/schema.ts';
import {
  fqdnOf,
  type MeshInstance,
  type MeshService,
  type MeshTopology,
} from '../config/topology.ts';
import { authorize } from '../routing/authz.ts';
import { endpointKey } from '../routing/endpoint.ts';
import { decideFault } from '../routing/fault.ts';
import type { LoadBalancer } from '../routing/load-balancer.ts';
import type { MatchRequest } from '../routing/match.ts';
import { OutlierDetector } from '../routing/outlier.ts';
import { connectionSecurityPolicy } from '../routing/peer-auth.ts';
import { retryBackoffMs, retryDecision, retryPolicyOf } from '../routing/retry-policy.ts';
import { selectRoute } from '../routing/route-table.ts';
import { resolveDestination, type Cluster } from '../routing/subsets.ts';
import type { UpstreamOutcome } from '../routing/upstream-outcome.ts';
import { pickWeighted } from '../routing/weighted.ts';
import type { IstioMetrics } from '../telemetry/istio-metrics.ts';
import type { HopSpan, ProxySpans } from '../telemetry/proxy-spans.ts';
import type { CompiledConfig } from './compiled-config.ts';
import { callLabels, type SourceIdentity } from './identity.ts';
import { attemptUpstream, type AttemptOutcome } from './upstream-attempt.ts';

/** What a listener knows about the requests arriving on it. */
export interface Listener {
  source: SourceIdentity;
  /** `mesh` for an app's outbound listener, else the gateway it serves (read per request, as
   *  Gateway resources may change). */
  gateway: () => string;
  /** The Service an outbound listener leads to; undefined at the ingress (chosen by Host). */
  service?: MeshService;
}

export interface DataPlane {
  topology: MeshTopology;
  compiled(): CompiledConfig;
  metrics: IstioMetrics;
  spans: ProxySpans;
  balancer: LoadBalancer;
  random: () => number;
  now: () => number;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

/** What ended a request, for the response, the metrics and the span. */
interface Verdict {
  status: number;
  flags: string[];
  instance?: MeshInstance;
  cluster?: Cluster;
  reachedDestination: boolean;
}

export function createRequestHandler(
  plane: DataPlane,
  state: UpstreamState,
  listener: Listener,
): http.RequestListener {
  return (req, res) => {
    void handle(plane, state, listener, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`mesh error: ${String(err)}\n`);
    });
  };
}

async function handle(
  plane: DataPlane,
  state: UpstreamState,
  listener: Listener,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const started = performance.now();
  const body = await readBody(req);
  const compiled = plane.compiled();
  const headers = flatten(req.headers);
  // Envoy at the edge gives every request an id; sidecars keep the one that came.
  headers['x-request-id'] ??= randomUUID();
  const path = req.url ?? '/';
  const method = req.method ?? 'GET';

  let service = listener.service;
  const span = plane.spans.start(
    listener.source.proxyName,
    spanName(service, headers.host),
    req.headers,
    {
      'http.method': method,
      'http.url': `http://${headers.host ?? ''}${path}`,
      'guid:x-request-id': headers['x-request-id'],
      'istio.canonical_service': listener.source.app,
      'istio.canonical_revision': listener.source.version,
      'istio.namespace': listener.source.namespace,
      component: 'proxy',
    },
  );

  // A caller that hangs up (v1's 50 ms deadline) resets the upstream call too; Envoy then
  // reports response code 0, or what was already sent, with flag DC.
  const cancel = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) cancel.abort();
  });
  let finished = false;
  const finish = (outcome: Verdict, responseBytes: number): void => {
    if (finished) return;
    finished = true;
    const verdict: Verdict = cancel.signal.aborted
      ? {
          ...outcome,
          status: res.headersSent ? outcome.status : 0,
          flags: [...outcome.flags, 'DC'],
        }
      : outcome;
    const flags = verdict.flags.length > 0 ? verdict.flags.join(',') : '-';
    const destinationMode = verdict.instance
      ? compiled.securityOf(verdict.instance).mtls
      : undefined;
    plane.metrics.record({
      key: `${listener.source.workload}|${service?.name ?? ''}|${verdict.instance?.workload ?? ''}|${verdict.status}|${flags}`,
      labels: () => callLabels(listener.source, service, verdict.instance, verdict.status, flags),
      destinationSecurity: destinationMode ? connectionSecurityPolicy(destinationMode) : 'unknown',
      reachedDestination: verdict.reachedDestination,
      durationMs: performance.now() - started,
      requestBytes: body.length,
      responseBytes,
    });
    span.end({ status: verdict.status, flags, upstreamCluster: verdict.cluster?.name ?? '-' });
  };
  const answerLocally = (verdict: Verdict, text: string): void => {
    if (res.destroyed) {
      finish(verdict, 0);
      return;
    }
    const payload = Buffer.from(text);
    res.writeHead(verdict.status, {
      'content-type': 'text/plain',
      'content-length': payload.length,
    });
    res.end(payload);
    finish(verdict, payload.length);
  };
  if (body === TOO_LARGE) {
    answerLocally({ status: 413, flags: [], reachedDestination: false }, 'Payload Too Large');
    return;
  }

  const request: MatchRequest = {
    path,
    method,
    headers,
    sourceLabels: listener.source.labels,
    gateway: listener.gateway(),
  };
  const selection = selectRoute(compiled.routes, service, request);
  if (selection.kind === 'no-route') {
    answerLocally({ status: 404, flags: ['NR'], reachedDestination: false }, '');
    return;
  }
  const route = selection.route;

  const fault = decideFault(route.fault, plane.random);
  const flags: string[] = [];
  if (fault.delayMs !== undefined) {
    flags.push('DI');
    await sleep(fault.delayMs);
  }
  if (fault.abortStatus !== undefined) {
    answerLocally(
      { status: fault.abortStatus, flags: [...flags, 'FI'], reachedDestination: false },
      'fault filter abort',
    );
    return;
  }

  const chosen = pickWeighted(route.route, plane.random);
  const resolved =
    chosen && resolveDestination(compiled.clusters, chosen.destination, selection.namespace);
  if (!resolved || resolved.kind !== 'cluster') {
    answerLocally(
      { status: 503, flags: [...flags, 'NC'], reachedDestination: false },
      'no cluster found',
    );
    return;
  }
  const cluster = resolved.cluster;
  service = cluster.service;
  span.rename(spanName(service, headers.host));

  await forward(
    plane,
    state,
    {
      cluster,
      route,
      span,
      listener,
      method,
      path,
      headers: span.upstreamHeaders(headers),
      body,
      flags,
      compiled,
      cancel: cancel.signal,
    },
    res,
    finish,
    answerLocally,
  );
}

interface ForwardRequest {
  cluster: Cluster;
  route: HttpRoute;
  span: HopSpan;
  listener: Listener;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  flags: string[];
  compiled: CompiledConfig;
  cancel: AbortSignal;
}

async function forward(
  plane: DataPlane,
  state: UpstreamState,
  request: ForwardRequest,
  res: http.ServerResponse,
  finish: (verdict: Verdict, responseBytes: number) => void,
  answerLocally: (verdict: Verdict, text: string) => void,
): Promise<void> {
  const { cluster, route, flags } = request;
  const policy = retryPolicyOf(route);
  const deadline = route.timeout === undefined ? Infinity : plane.now() + route.timeout;
  const detector = state.detectorFor(cluster, plane.now());
  const tried = new Set<string>();
  let retries = 0;

  for (;;) {
    const now = plane.now();
    const healthy = detector.healthy(cluster.instances, now);
    const instance = plane.balancer.pick(
      cluster.name,
      healthy,
      cluster.trafficPolicy.loadBalancer?.simple,
      {
        random: plane.random,
        inFlight: (instance) => state.inFlight(instance),
        avoid: tried,
      },
    );
    if (!instance) {
      answerLocally(
        { status: 503, flags: [...flags, 'UH'], cluster, reachedDestination: false },
        'no healthy upstream',
      );
      return;
    }
    // Only the policies that select this workload (authorize filters them again, cheaply).
    const security = request.compiled.securityOf(instance);
    const access = authorize(security.policies, instance, {
      principal: security.mtls === 'DISABLE' ? undefined : request.listener.source.principal,
      namespace: request.listener.source.namespace,
      method: request.method,
      path: request.path,
    });
    if (!access.allowed) {
      answerLocally(
        { status: 403, flags: [...flags, 'RBAC'], instance, cluster, reachedDestination: true },
        'RBAC: access denied',
      );
      return;
    }

    tried.add(endpointKey(instance));
    const remaining = deadline - now;
    const perTry = Math.min(policy.perTryTimeoutMs ?? Infinity, remaining);
    const outcome = await state.attempt(
      instance,
      {
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'x-envoy-attempt-count': String(retries + 1) },
        body: request.body,
      },
      perTry,
      request.cancel,
    );
    const upstream = toUpstreamOutcome(outcome, perTry < remaining);
    detector.record(instance, upstream, plane.now());
    const overallExpired = plane.now() >= deadline;
    const decision = overallExpired ? 'no-retry' : retryDecision(policy, upstream, retries + 1);
    if (decision === 'retry') {
      if (outcome.kind === 'response') outcome.response.resume();
      retries += 1;
      await sleep(retryBackoffMs(retries, plane.random));
      continue;
    }
    const exhausted = decision === 'limit-exceeded';
    if (outcome.kind === 'response') {
      const status = outcome.response.statusCode ?? 502;
      const verdict: Verdict = {
        status,
        flags: [...flags, ...(exhausted ? ['URX'] : [])],
        instance,
        cluster,
        reachedDestination: true,
      };
      relay(outcome.response, res, (bytes) => {
        finish(verdict, bytes);
      });
      return;
    }
    if (outcome.kind === 'timeout') {
      answerLocally(
        {
          status: 504,
          flags: [...flags, 'UT', ...(exhausted ? ['URX'] : [])],
          instance,
          cluster,
          reachedDestination: true,
        },
        'upstream request timeout',
      );
      return;
    }
    const failure = outcome.kind === 'connect-failure' ? 'UF' : 'UC';
    const reason =
      outcome.kind === 'connect-failure' ? 'connection failure' : 'connection termination';
    answerLocally(
      {
        status: 503,
        flags: [...flags, failure, ...(exhausted ? ['URX'] : [])],
        instance,
        cluster,
        reachedDestination: outcome.kind !== 'connect-failure',
      },
      `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`,
    );
    return;
  }
}

function toUpstreamOutcome(outcome: AttemptOutcome, perTryTimeout: boolean): UpstreamOutcome {
  switch (outcome.kind) {
    case 'response':
      return { status: outcome.response.statusCode ?? 502 };
    case 'connect-failure':
      return { connectFailure: true };
    case 'reset':
      return { reset: true };
    case 'timeout':
      return perTryTimeout ? { timedOut: true } : { status: 504 };
  }
}

/**
 * Hands the upstream response to the caller in one write: the services answer small JSON and SVG,
 * and one write costs far less than a write per chunk.
 */
function relay(
  upstream: http.IncomingMessage,
  res: http.ServerResponse,
  done: (bytes: number) => void,
): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const chunks: Buffer[] = [];
  upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstream.on('end', () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    headers['content-length'] = String(body.length);
    res.writeHead(upstream.statusCode ?? 502, headers);
    res.end(body);
    done(body.length);
  });
  upstream.on('error', () => {
    res.destroy();
    done(0);
  });
}

export interface UpstreamState {
  detectorFor(cluster: Cluster, now: number): OutlierDetector;
  inFlight(instance: MeshInstance): number;
  attempt(
    instance: MeshInstance,
    request: Parameters<typeof attemptUpstream>[1],
    timeoutMs: number,
    cancel: AbortSignal,
  ): Promise<AttemptOutcome>;
}

/** Connection pools, in-flight counts and outlier detectors, shared by every listener. */
export function createUpstreamState(): UpstreamState {
  const agents = new Map<string, http.Agent>();
  const inFlight = new Map<string, number>();
  const detectors = new Map<string, { policyKey: string; detector: OutlierDetector }>();
  return {
    detectorFor(cluster, now) {
      // A changed OutlierDetection starts a fresh detector; an unchanged one keeps its history.
      const policyKey = JSON.stringify(cluster.trafficPolicy.outlierDetection ?? null);
      let entry = detectors.get(cluster.name);
      if (!entry || entry.policyKey !== policyKey) {
        entry = {
          policyKey,
          detector: new OutlierDetector(
            cluster.trafficPolicy.outlierDetection,
            cluster.instances,
            now,
          ),
        };
        detectors.set(cluster.name, entry);
      }
      return entry.detector;
    },
    inFlight: (instance) => inFlight.get(endpointKey(instance)) ?? 0,
    async attempt(instance, request, timeoutMs, cancel) {
      const key = endpointKey(instance);
      let agent = agents.get(key);
      if (!agent) {
        agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
        agents.set(key, agent);
      }
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      try {
        return await attemptUpstream(instance, request, timeoutMs, agent, cancel);
      } finally {
        inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
      }
    },
  };
}

const TOO_LARGE = Buffer.alloc(0);
const EMPTY = Buffer.alloc(0);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  // Most calls are GETs without a body: no need to wait on the stream for them.
  const length = req.headers['content-length'];
  if (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(size > MAX_BODY_BYTES ? TOO_LARGE : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

/** Istio names a sidecar's span after the upstream: `quiz.quiz.svc.cluster.local:8080/*`. */
function spanName(service: MeshService | undefined, host: string | undefined): string {
  return service ? `${fqdnOf(service)}:${service.port}/*` : `${host ?? 'unknown'}/*`;
}
