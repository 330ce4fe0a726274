// One parsed YAML document checked against LIMITS before it becomes data: keys per mapping, items
// per list, nesting, aliases; and duplicate keys, which the yaml library would find by comparing
// every key with every earlier one (the quadratic cost that made a 32k-key mapping take 14 s), so
// it parses with uniqueKeys off and they are found here with a Set instead.
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { LIMITS } from './limits.ts';

export type BoundsProblem =
  { kind: 'limit'; path: PropertyKey[]; reason: string } | { kind: 'duplicate'; offset: number };

/** The first problem found walking `root`, or undefined when it is within bounds. */
export function checkBounds(root: Node | null): BoundsProblem | undefined {
  const walk = { aliases: 0 };
  return root === null ? undefined : visit(root, [], 0, walk);
}

function visit(
  node: unknown,
  path: PropertyKey[],
  depth: number,
  walk: { aliases: number },
): BoundsProblem | undefined {
  if (isAlias(node)) {
    walk.aliases += 1;
    if (walk.aliases <= LIMITS.aliasesPerDocument) return undefined;
    const reason = `uses more than ${LIMITS.aliasesPerDocument} aliases: the local mesh expands at most ${LIMITS.aliasesPerDocument} per document (an alias bomb?)`;
    return { kind: 'limit', path, reason };
  }
  if (!isMap(node) && !isSeq(node)) return undefined;
  if (depth >= LIMITS.depth) {
    const reason = `nests deeper than ${LIMITS.depth} levels: the local mesh reads at most ${LIMITS.depth}`;
    return { kind: 'limit', path, reason };
  }
  return isMap(node)
    ? visitMap(node.items, path, depth, walk)
    : visitSeq(node.items, path, depth, walk);
}

function visitMap(
  items: readonly { key: unknown; value: unknown }[],
  path: PropertyKey[],
  depth: number,
  walk: { aliases: number },
): BoundsProblem | undefined {
  if (items.length > LIMITS.keysPerMapping) {
    const reason = `has ${items.length} keys: the local mesh reads at most ${LIMITS.keysPerMapping} per mapping`;
    return { kind: 'limit', path, reason };
  }
  const seen = new Set<unknown>();
  for (const { key, value } of items) {
    // As the yaml library compares keys: scalars by value, anything else only by identity.
    const id = isScalar(key) ? key.value : key;
    if (seen.has(id))
      return { kind: 'duplicate', offset: isScalar(key) ? (key.range?.[0] ?? 0) : 0 };
    seen.add(id);
    const segment = isScalar(key) ? (key.value as PropertyKey) : '?';
    const problem =
      visit(value, [...path, segment], depth + 1, walk) ?? visit(key, path, depth + 1, walk);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function visitSeq(
  items: readonly unknown[],
  path: PropertyKey[],
  depth: number,
  walk: { aliases: number },
): BoundsProblem | undefined {
  if (items.length > LIMITS.itemsPerList) {
    const reason = `lists ${items.length} items: the local mesh reads at most ${LIMITS.itemsPerList} per list`;
    return { kind: 'limit', path, reason };
  }
  for (const [i, item] of items.entries()) {
    const problem = visit(item, [...path, i], depth + 1, walk);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
