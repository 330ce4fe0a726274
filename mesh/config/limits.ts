// How much YAML the local mesh reads, bounded as a Kubernetes API server bounds an object, so that
// no file in mesh-config/ can make a load take minutes or the mesh's memory balloon. Each bound is
// far above anything an Istio resource needs; input past one is refused, never truncated.
const MiB = 1024 * 1024;

export const LIMITS = {
  /** etcd's default --max-request-bytes: the largest object a Kubernetes API server can store. */
  bytesPerFile: 1.5 * MiB,
  /** All files of one load together: a few times the whole shipped folder's worth, many times over. */
  bytesInAll: 8 * MiB,
  /** Top-level YAML files of the folder. */
  files: 64,
  /** `---`-separated documents (resources) in one file. */
  documentsPerFile: 100,
  /** Keys of one mapping: labels, annotations and header matches stay far below this. */
  keysPerMapping: 1024,
  /** Items of one list: hosts, routes, rules. */
  itemsPerList: 1024,
  /** Mappings and lists inside each other; Istio resources nest about ten deep. */
  depth: 64,
  /** The yaml library's maxAliasCount: what an alias may expand to before it is an alias bomb. */
  aliasesPerDocument: 100,
} as const;

/** `1.5 MiB`, `312 KiB`: sizes as the findings say them. */
export function sizeText(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1).replace(/\.0$/, '')} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}
