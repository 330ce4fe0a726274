// A trace's spans arranged as the call tree, which dependency linking walks. Built defensively,
// because reported data is often partial: spans whose parent never arrived hang off the root (a
// synthetic one when the root itself is missing), and a server span that shares its client's id
// sits under that client span.
import { localServiceName, type Span } from './span.ts';

export interface SpanNode {
  /** Undefined only for a synthetic root standing in for a root span that was never reported. */
  span: Span | undefined;
  parent: SpanNode | undefined;
  children: SpanNode[];
}

export function buildSpanTree(spans: readonly Span[]): SpanNode {
  const placed = spans.map((span) => {
    const node: SpanNode = { span, parent: undefined, children: [] };
    return { span, node };
  });
  const clientIds = new Set(spans.filter((s) => s.kind === 'CLIENT').map((s) => s.id));
  // Some tracers forget the shared flag; a server span reusing a client's id is shared all the same.
  const isShared = (span: Span): boolean =>
    span.shared === true || (span.kind === 'SERVER' && clientIds.has(span.id));

  const unshared = new Map<string, SpanNode>();
  const shared = new Map<string, SpanNode>();
  for (const { span, node } of placed) {
    if (isShared(span)) {
      const key = sharedKey(span.id, localServiceName(span));
      if (!shared.has(key)) shared.set(key, node);
    } else if (!unshared.has(span.id)) {
      unshared.set(span.id, node);
    }
  }

  const orphans: SpanNode[] = [];
  for (const { span, node } of placed) {
    const parent = isShared(span)
      ? (unshared.get(span.id) ?? parentById(span, shared, unshared))
      : parentById(span, shared, unshared);
    if (parent && parent !== node && !isAncestor(node, parent)) {
      parent.children.push(node);
      node.parent = parent;
    } else {
      orphans.push(node);
    }
  }

  const root = orphans.find((node) => node.span?.parentId === undefined && !node.span?.shared) ?? {
    span: undefined,
    parent: undefined,
    children: [],
  };
  for (const orphan of orphans) {
    if (orphan === root) continue;
    root.children.push(orphan);
    orphan.parent = root;
  }
  return root;
}

/** Breadth-first, skipping a synthetic root. */
export function* walkSpanTree(root: SpanNode): Generator<SpanNode> {
  const queue: SpanNode[] = root.span ? [root] : [...root.children];
  for (let i = 0, node = queue[0]; node; node = queue[++i]) {
    yield node;
    queue.push(...node.children);
  }
}

/**
 * The parent named by parentId. A span under an RPC whose client and server share an id belongs
 * to the server half in its own service, so that is tried before the client half.
 */
function parentById(
  span: Span,
  shared: ReadonlyMap<string, SpanNode>,
  unshared: ReadonlyMap<string, SpanNode>,
): SpanNode | undefined {
  if (span.parentId === undefined) return undefined;
  return (
    shared.get(sharedKey(span.parentId, localServiceName(span))) ?? unshared.get(span.parentId)
  );
}

function sharedKey(id: string, service: string | undefined): string {
  return `${id}|${service ?? ''}`;
}

/** Guards against cycles that malformed parent ids could otherwise build. */
function isAncestor(node: SpanNode, of: SpanNode): boolean {
  for (let up = of.parent; up; up = up.parent) if (up === node) return true;
  return false;
}
