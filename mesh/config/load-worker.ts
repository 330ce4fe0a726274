// The worker thread that loads mesh-config/ for the mesh: reading, parsing and validating a folder
// can take seconds for a large file, and the proxy's thread must keep answering meanwhile.
// One request at a time, from config-loader.ts; the answer is plain data (structured clone).
import { parentPort, workerData } from 'node:worker_threads';
import { loadMeshSources, readFolder, type LoadResult, type MeshSource } from './load.ts';
import type { MeshTopology } from './topology.ts';

export type LoadRequest =
  /** The folder as it is now. */
  | { kind: 'folder'; dir: string }
  /** Sources kept from an earlier load (the last good config). */
  | { kind: 'sources'; sources: MeshSource[]; label: string };

/** The result, and the sources it was made from: what the control plane keeps when it is good. */
export type LoadReply = LoadResult & { sources: MeshSource[] };

const { topology } = workerData as { topology: MeshTopology };

export function load(request: LoadRequest): LoadReply {
  if (request.kind === 'sources') {
    const result = loadMeshSources(request.sources, topology, { label: request.label });
    return { ...result, sources: request.sources };
  }
  const folder = readFolder(request.dir);
  if (folder.errors.length > 0)
    return { ok: false, errors: folder.errors, warnings: [], sources: [] };
  const result = loadMeshSources(folder.sources, topology, { label: request.dir });
  return { ...result, sources: folder.sources };
}

parentPort?.on('message', (request: LoadRequest) => {
  parentPort?.postMessage(load(request));
});
