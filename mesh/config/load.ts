// mesh-config/ in, a validated MeshConfig out, or every reason it was refused. Only the folder's
// top-level *.yaml / *.yml but its kustomization.yaml are in force (scenarios/ holds alternatives,
// applied one at a time), as `kubectl apply -k mesh-config/` would apply them. A scenario can be checked in place of the
// resources it replaces with `substitute`, as `kubectl apply -f mesh-config/scenarios/<file>` would.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from './findings.ts';
import type { MeshConfig } from './schema.ts';
import { MESH_NAMESPACE, type MeshTopology } from './topology.ts';
import { validateDocument } from './validate-document.ts';
import { validateReferences } from './validate-references.ts';
import { isMeshConfigFile } from './config-files.ts';
import { LIMITS, sizeText } from './limits.ts';
import { readDocuments, tooBig, type MeshSource, type RawDocument } from './yaml-documents.ts';

export type { Finding } from './findings.ts';
export type { MeshSource } from './yaml-documents.ts';

export type LoadResult =
  | { ok: true; config: MeshConfig; warnings: Finding[] }
  | { ok: false; errors: Finding[]; warnings: Finding[] };

export interface LoadOptions {
  /**
   * Files (paths as the caller has them) whose resources replace the in-force resources of the same
   * kind, namespace and name; a resource that replaces none is added.
   */
  substitute?: readonly string[];
}

export function loadMeshConfig(
  dir: string,
  topology: MeshTopology,
  options: LoadOptions = {},
): LoadResult {
  const inForce = readFolder(dir);
  const substitutes = (options.substitute ?? []).map((file) => readSource(dir, file));
  const unreadable = [...inForce.errors, ...substitutes.flatMap((s) => s.errors)];
  if (unreadable.length > 0) return { ok: false, errors: unreadable, warnings: [] };
  return loadMeshSources(inForce.sources, topology, {
    substitutes: substitutes.flatMap((s) => s.sources),
    label: dir,
  });
}

export interface SourceOptions {
  /** Sources whose resources replace those of the same kind, namespace and name. */
  substitutes?: readonly MeshSource[];
  /** Names the whole in "no Istio resources in …". */
  label?: string;
}

/** The same checks as loadMeshConfig, on YAML text the caller already has. */
export function loadMeshSources(
  sources: readonly MeshSource[],
  topology: MeshTopology,
  options: SourceOptions = {},
): LoadResult {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const read = (source: MeshSource): RawDocument[] => {
    const result = readDocuments(source);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    return result.documents;
  };
  const inForce = sources.flatMap(read);
  const replacing = (options.substitutes ?? []).flatMap(read);
  const documents = substitute(inForce, replacing, warnings);

  if (documents.length === 0 && errors.length === 0) {
    errors.push({ file: '.', reason: `no Istio resources in ${options.label ?? 'the sources'}` });
  }
  const config: MeshConfig = {
    gateways: [],
    virtualServices: [],
    destinationRules: [],
    peerAuthentications: [],
    authorizationPolicies: [],
    telemetries: [],
  };
  for (const document of documents) errors.push(...validateDocument(document, config));
  // Cross-references only mean something once every resource is valid on its own.
  if (errors.length > 0) return { ok: false, errors, warnings };
  errors.push(...validateReferences(config, topology));
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

function substitute(
  inForce: readonly RawDocument[],
  replacing: readonly RawDocument[],
  warnings: Finding[],
): RawDocument[] {
  const replaced = new Set(replacing.map((doc) => identity(doc.value)));
  for (const doc of replacing) {
    const key = identity(doc.value);
    if (key !== undefined && !inForce.some((kept) => identity(kept.value) === key)) {
      warnings.push({
        file: doc.file,
        resource: key,
        reason: 'replaces no resource in force: it is added alongside them',
      });
    }
  }
  const kept = inForce.filter((doc) => {
    const key = identity(doc.value);
    return key === undefined || !replaced.has(key);
  });
  return [...kept, ...replacing];
}

/** `Kind/namespace/name` as Kubernetes identifies an object, when the document says enough. */
function identity(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, metadata } = value as { kind?: unknown; metadata?: unknown };
  if (typeof kind !== 'string' || typeof metadata !== 'object' || metadata === null) return;
  const { name, namespace } = metadata as { name?: unknown; namespace?: unknown };
  if (typeof name !== 'string') return undefined;
  return `${kind}/${typeof namespace === 'string' ? namespace : MESH_NAMESPACE}/${name}`;
}

export interface ReadSources {
  sources: MeshSource[];
  errors: Finding[];
}

/** The folder's in-force files as loadMeshConfig reads them, within LIMITS, or why not. */
export function readFolder(dir: string): ReadSources {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { sources: [], errors: [] }; // Reported as "no Istio resources".
    const reason = code === 'ENOTDIR' ? `${dir} is not a folder` : `cannot read ${dir}: ${code}`;
    return { sources: [], errors: [{ file: '.', reason }] };
  }
  const files = names.filter((name) => isMeshConfigFile(name) && isFile(path.join(dir, name)));
  if (files.length > LIMITS.files) {
    const reason = `holds ${files.length} YAML files: the local mesh reads at most ${LIMITS.files}`;
    return { sources: [], errors: [{ file: '.', reason }] };
  }
  const read = files.map((name) => readSource(dir, path.join(dir, name)));
  const sources = read.flatMap((r) => r.sources);
  const bytes = sources.reduce((sum, s) => sum + Buffer.byteLength(s.text), 0);
  if (bytes > LIMITS.bytesInAll) {
    const reason = `its YAML files hold ${sizeText(bytes)}: the local mesh reads at most ${sizeText(LIMITS.bytesInAll)} in all`;
    return { sources: [], errors: [{ file: '.', reason }] };
  }
  return { sources, errors: read.flatMap((r) => r.errors) };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile(); // Follows symlinks, as kubectl does.
  } catch {
    return false;
  }
}

function readSource(dir: string, file: string): ReadSources {
  const shown = path.relative(dir, file).split(path.sep).join('/');
  try {
    // Sized before it is read, so that a huge file is never held in memory.
    const bytes = statSync(file).size;
    if (bytes > LIMITS.bytesPerFile)
      return { sources: [], errors: [{ file: shown, reason: tooBig(bytes) }] };
    return { sources: [{ file: shown, text: readFileSync(file, 'utf8') }], errors: [] };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { sources: [], errors: [{ file: shown, reason: `cannot read: ${code}` }] };
  }
}
