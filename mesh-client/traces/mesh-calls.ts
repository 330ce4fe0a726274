// The calls one trace records, each counted once however many spans it left. A call through the
// mesh leaves up to four spans in a chain: the app's CLIENT span, its sidecar's CLIENT span, the
// destination sidecar's SERVER span (on a cluster; the local mesh reports only the source side)
// and the app's SERVER span, or more than one of those on retries. Any of them may be missing:
// apps that are not instrumented, sidecars without tracing. So a call is found where its chain
// starts, a CLIENT span that does not continue a CLIENT span of the same app, and described from
// whichever spans of the chain arrived.
import { buildSpanTree, walkSpanTree, type SpanNode } from '../../tracestore/span-tree.ts';
import { remoteServiceName, type Span } from '../../tracestore/span.ts';
import { appOf, isSidecarSpan, upstreamOf, versionOf } from './span-workload.ts';

export interface MeshCall {
  /** The calling app, as its sidecar names it (istio.canonical_service) or as it names itself. */
  caller: string;
  callerVersion?: string;
  /**
   * The called app as the mesh names it, like the caller (the destination sidecar's canonical
   * service, else the Service the source sidecar routed to), else as the answering app names
   * itself, else the client's remote endpoint.
   */
  downstream: string;
  /** Every span of the call's chain, client side first. */
  spanIds: string[];
  /** The request the caller was serving when it called, above any local (kind-less) spans. */
  parentSpanId?: string;
}

export function findMeshCalls(spans: readonly Span[]): MeshCall[] {
  if (spans.length === 0) return [];
  const calls: MeshCall[] = [];
  for (const node of walkSpanTree(buildSpanTree(spans))) {
    if (node.span && startsCall(node, node.span)) {
      const call = describeCall(node, node.span);
      if (call) calls.push(call);
    }
  }
  return calls;
}

function startsCall(node: SpanNode, span: Span): boolean {
  if (span.kind !== 'CLIENT') return false;
  const parent = node.parent?.span;
  return !(parent && continuesClient(parent, span));
}

/**
 * The sidecar's span under its app's client span, even when the app names itself otherwise than
 * the mesh does, or nested client instrumentation in one app. A sidecar span under another
 * sidecar's span is a new call: an app without tracing passed the trace headers on.
 */
function continuesClient(parent: Span, child: Span): boolean {
  if (parent.kind !== 'CLIENT' || child.parentId !== parent.id) return false;
  return appOf(parent) === appOf(child) || (isSidecarSpan(child) && !isSidecarSpan(parent));
}

function describeCall(start: SpanNode, startSpan: Span): MeshCall | undefined {
  const chain = chainOf(start);
  const clients = chain.filter((span) => span.kind === 'CLIENT');
  const servers = chain.filter((span) => span.kind === 'SERVER');
  const sidecar = clients.find(isSidecarSpan);
  const app = clients.find((span) => !isSidecarSpan(span));
  const inbound = servers.find(isSidecarSpan);
  const server = servers.find((span) => !isSidecarSpan(span));

  const caller = appOf(sidecar ?? startSpan);
  const downstream =
    (inbound && appOf(inbound)) ??
    (sidecar && upstreamOf(sidecar)) ??
    (server && appOf(server)) ??
    clients.map(remoteServiceName).find((name) => name !== undefined);
  if (caller === undefined || downstream === undefined) return undefined;

  const call: MeshCall = { caller, downstream, spanIds: [...new Set(chain.map((s) => s.id))] };
  const callerVersion = (sidecar && versionOf(sidecar)) ?? (app && versionOf(app));
  if (callerVersion !== undefined) call.callerVersion = callerVersion;
  const parentSpanId = requestSpanIdAbove(start, startSpan);
  if (parentSpanId !== undefined) call.parentSpanId = parentSpanId;
  return call;
}

/** The call's spans: client spans continuing it, then the server spans (sidecar, app) answering. */
function chainOf(start: SpanNode): Span[] {
  const chain: Span[] = [];
  const visit = (node: SpanNode, span: Span, side: 'client' | 'server'): void => {
    chain.push(span);
    for (const child of node.children) {
      const next = child.span;
      if (!next) continue;
      if (side === 'client' && continuesClient(span, next)) visit(child, next, 'client');
      else if (next.kind === 'SERVER' && (side === 'client' || appOf(next) === appOf(span))) {
        visit(child, next, 'server');
      }
    }
  };
  if (start.span) visit(start, start.span, 'client');
  return chain;
}

/**
 * Climbs over local spans to the span with a kind (normally the caller's SERVER span). A parent
 * that never arrived is still named by id, so calls under it group together all the same.
 */
function requestSpanIdAbove(node: SpanNode, span: Span): string | undefined {
  let child = span;
  for (let up = node.parent; up?.span && up.span.id === child.parentId; up = up.parent) {
    if (up.span.kind !== undefined || up.span.parentId === undefined) return up.span.id;
    child = up.span;
  }
  return child.parentId;
}
