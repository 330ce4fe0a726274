// The VirtualService that routes a service inside the mesh, found among a config folder's files,
// and its spec.http rewritten in place with the yaml Document API: the file's comments, key order
// and layout outside spec.http stay as they were, and other documents in the file are untouched.
import { Document, isMap, isSeq, parseAllDocuments, type Pair, type YAMLSeq } from 'yaml';
import type { MeshSource } from '../../mesh/config/load.ts';
import { MESH_NAMESPACE, resolveHost } from '../../mesh/config/topology.ts';
import type { RouteRequest } from './route-request.ts';

export interface RouteEdit {
  /** The file's name in the folder. */
  file: string;
  /** No VirtualService routed the service: `file` is new. */
  created: boolean;
  /** The file as it was; undefined when created. */
  before: string | undefined;
  after: string;
  /** The VirtualService as it was, as plain data; undefined when created. */
  previous: unknown;
  /** The VirtualService as it will be, as plain data. */
  next: unknown;
}

/** As prettier writes YAML, so a rewritten file reads like the hand-written ones. */
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: false, singleQuote: true } as const;

/** The catch-all route's fields that survive a rewrite, in the order the file had them. */
const KEPT_FIELDS = new Set(['timeout', 'retries']);

export function editRoutes(sources: readonly MeshSource[], request: RouteRequest): RouteEdit {
  const found = findRoutingVirtualService(sources, request.service);
  if (found === undefined) {
    const names = unusedNames(sources, request.service);
    const doc = newVirtualService(request, names.name);
    return {
      file: names.file,
      created: true,
      before: undefined,
      after: doc.toString(STRINGIFY),
      previous: undefined,
      next: doc.toJS(),
    };
  }
  const { source, documents, index } = found;
  const doc = documents[index];
  if (doc === undefined) throw new Error('unreachable: found document is missing');
  const previous: unknown = doc.toJS();
  const oldHttp = doc.getIn(['spec', 'http'], true);
  doc.setIn(['spec', 'http'], httpRoutes(doc, request, keptFields(oldHttp)));
  // Only this document's text is replaced; the others keep their bytes.
  const start = index === 0 ? 0 : doc.range[0];
  const end = documents[index + 1]?.range[0] ?? source.text.length;
  const after = source.text.slice(0, start) + doc.toString(STRINGIFY) + source.text.slice(end);
  return {
    file: source.file,
    created: false,
    before: source.text,
    after,
    previous,
    next: doc.toJS(),
  };
}

interface Found {
  source: MeshSource;
  documents: Document.Parsed[];
  index: number;
}

/** The first VirtualService whose hosts name the service and that serves the mesh, not only gateways. */
export function findRoutingVirtualService(
  sources: readonly MeshSource[],
  service: string,
): Found | undefined {
  for (const source of sources) {
    const documents = parseAllDocuments(source.text);
    if (!Array.isArray(documents)) continue;
    const index = documents.findIndex(
      (doc) => doc.errors.length === 0 && routesService(doc.toJS(), service),
    );
    if (index >= 0) return { source, documents, index };
  }
  return undefined;
}

function routesService(value: unknown, service: string): boolean {
  if (!isRecord(value) || value.kind !== 'VirtualService') return false;
  const { metadata, spec } = value;
  if (!isRecord(spec) || !Array.isArray(spec.hosts)) return false;
  const gateways = spec.gateways;
  if (Array.isArray(gateways) && !gateways.includes('mesh')) return false;
  const namespace =
    isRecord(metadata) && typeof metadata.namespace === 'string'
      ? metadata.namespace
      : MESH_NAMESPACE;
  const services = [{ name: service, namespace: MESH_NAMESPACE, port: 0 }];
  return spec.hosts.some(
    (host) => typeof host === 'string' && resolveHost(host, services, namespace) !== undefined,
  );
}

/** timeout and retries of the last route when it takes every call (has no match). */
function keptFields(http: unknown): Pair[] {
  if (!isSeq(http)) return [];
  const last = http.items.at(-1);
  if (!isMap(last)) return [];
  const match = last.get('match', true);
  if (match !== undefined && !(isSeq(match) && match.items.length === 0)) return [];
  return last.items.filter((pair) => KEPT_FIELDS.has(String(keyOf(pair))));
}

const keyOf = (pair: Pair): unknown =>
  typeof pair.key === 'object' && pair.key !== null && 'value' in pair.key
    ? pair.key.value
    : pair.key;

function httpRoutes(doc: Document, request: RouteRequest, kept: Pair[]): YAMLSeq {
  const host = request.service;
  const headerRoutes = request.headers.map((h) => ({
    match: [{ headers: { [h.header]: { exact: h.value } } }],
    route: [{ destination: { host, subset: h.version } }],
  }));
  const split = {
    route: request.split.map((s) => ({
      destination: { host, subset: s.version },
      weight: s.weight,
    })),
  };
  const http: YAMLSeq = doc.createNode([...headerRoutes, split]);
  const catchAll = http.items.at(-1);
  if (isMap(catchAll)) catchAll.items.unshift(...kept);
  return http;
}

/**
 * `virtual-service-<service>.yaml` holding VirtualService `<service>`, unless a file or a
 * VirtualService has that name already (frontend's, bound to the gateway): then `<service>-mesh`.
 */
function unusedNames(
  sources: readonly MeshSource[],
  service: string,
): { file: string; name: string } {
  const files = new Set(sources.map((s) => s.file.toLowerCase()));
  const names = new Set(
    sources.flatMap((source) =>
      parseAllDocuments(source.text).flatMap((doc) => {
        const value: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
        if (!isRecord(value) || value.kind !== 'VirtualService' || !isRecord(value.metadata)) {
          return [];
        }
        return [String(value.metadata.name)];
      }),
    ),
  );
  for (let n = 0; ; n++) {
    const name = n === 0 ? service : n === 1 ? `${service}-mesh` : `${service}-mesh-${n}`;
    const file = `virtual-service-${name}.yaml`;
    if (!files.has(file) && !names.has(name)) return { file, name };
  }
}

function newVirtualService(request: RouteRequest, name: string): Document {
  const doc = new Document({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: MESH_NAMESPACE },
    spec: { hosts: [request.service], http: [] },
  });
  doc.setIn(['spec', 'http'], httpRoutes(doc, request, []));
  // On the root mapping, not the document, so no blank line separates it from apiVersion.
  if (isMap(doc.contents)) {
    doc.contents.commentBefore = ` The route to ${request.service} inside the mesh, written by \`quizmesh route\`.`;
  }
  return doc;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
