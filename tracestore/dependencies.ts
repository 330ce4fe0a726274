// The service graph behind GET /api/v2/dependencies, linked the way Zipkin's DependencyLinker does:
// a link is counted once per RPC, preferring the server's view of it (its own service name, its
// caller from the tree), and falling back to the client's view only for calls into services that
// report no spans of their own (a database, or a peer outside the mesh).
import { buildSpanTree, walkSpanTree, type SpanNode } from './span-tree.ts';
import {
  hasErrorTag,
  localServiceName,
  remoteServiceName,
  type DependencyLink,
  type Span,
} from './span.ts';

export interface DependencyLinker {
  addTrace(spans: readonly Span[]): void;
  links(): DependencyLink[];
}

export function createDependencyLinker(): DependencyLinker {
  const counts = new Map<string, DependencyLink>();

  function addLink(parent: string, child: string, isError: boolean): void {
    const key = `${parent}\u0000${child}`;
    let link = counts.get(key);
    if (!link) {
      link = { parent, child, callCount: 0, errorCount: 0 };
      counts.set(key, link);
    }
    link.callCount += 1;
    if (isError) link.errorCount += 1;
  }

  return {
    addTrace(spans) {
      if (spans.length === 0) return;
      const root = buildSpanTree(spans);
      for (const node of walkSpanTree(root)) linkNode(node, node === root, addLink);
    },
    links: () =>
      [...counts.values()]
        .map((link) => ({ ...link }))
        .sort((a, b) => compare(a.parent, b.parent) || compare(a.child, b.child)),
  };
}

type AddLink = (parent: string, child: string, isError: boolean) => void;

function linkNode(node: SpanNode, isRoot: boolean, addLink: AddLink): void {
  const span = node.span;
  if (!span) return;
  const local = localServiceName(span);
  const remote = remoteServiceName(span);
  // A client span with children is answered by a server span below it, which links the call.
  if (span.kind === 'CLIENT' && node.children.length > 0) return;
  // A span of no kind that names both ends is read as a client call.
  const kind = span.kind ?? (local !== undefined && remote !== undefined ? 'CLIENT' : undefined);
  if (kind === undefined) return;

  const isServerSide = kind === 'SERVER' || kind === 'CONSUMER';
  let parent = isServerSide ? remote : local;
  const child = isServerSide ? local : remote;
  // Who called the root server is unknown unless it says so: that is the edge of the graph.
  if (isServerSide && isRoot && parent === undefined) return;
  let isError = hasErrorTag(span);

  // Messaging links through a broker, so the tree says nothing about the other end.
  if (kind === 'PRODUCER' || kind === 'CONSUMER') {
    if (parent !== undefined && child !== undefined) addLink(parent, child, isError);
    return;
  }

  const caller = nearestRemoteAncestor(node);
  const callerService = caller && localServiceName(caller);
  if (caller && callerService !== undefined) {
    // A client span in a service other than its caller's means the hop into this service was not
    // reported (no server span): link it anyway, with no way of knowing whether it failed.
    if (kind === 'CLIENT' && local !== undefined && local !== callerService) {
      addLink(callerService, local, false);
    }
    if (kind === 'SERVER' || parent === undefined) parent = callerService;
    // The server side of a failed call may not know it failed; its client span does.
    if (!isError && caller.kind === 'CLIENT' && span.parentId === caller.id) {
      isError = hasErrorTag(caller);
    }
  }
  if (parent !== undefined && child !== undefined) addLink(parent, child, isError);
}

/** The closest span above `node` that crossed a process boundary (local spans have no kind). */
function nearestRemoteAncestor(node: SpanNode): Span | undefined {
  for (let up = node.parent; up; up = up.parent) {
    if (up.span?.kind !== undefined) return up.span;
  }
  return undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
