// A YAML file as Kubernetes reads it: a stream of `---`-separated documents, each one resource.
// Syntax errors are reported with their line; empty documents (a trailing `---`) are skipped; a
// file past LIMITS is refused by file, field and reason before any of it becomes data.
import { isMap, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { fieldPath, resourceName, type Finding } from './findings.ts';
import { LIMITS, sizeText } from './limits.ts';
import { checkBounds } from './yaml-bounds.ts';

export interface MeshSource {
  /** As findings name it: relative to the folder loaded. */
  file: string;
  text: string;
}

export interface RawDocument {
  file: string;
  /** 1-based position in its file, counting empty documents too. */
  index: number;
  /** Where the document starts, 1-based. */
  line: number;
  value: unknown;
}

export interface ReadDocuments {
  documents: RawDocument[];
  errors: Finding[];
  warnings: Finding[];
}

export function readDocuments(source: MeshSource): ReadDocuments {
  const result: ReadDocuments = { documents: [], errors: [], warnings: [] };
  const bytes = Buffer.byteLength(source.text);
  if (bytes > LIMITS.bytesPerFile) {
    result.errors.push({ file: source.file, reason: tooBig(bytes) });
    return result;
  }
  const lines = new LineCounter();
  const located = (offset: number | undefined, message: string): string => {
    if (offset === undefined) return message;
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}: ${message}`;
  };
  // uniqueKeys off: the library's duplicate check is quadratic; checkBounds does it linearly.
  const parsed = parseAllDocuments(source.text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
  });
  if (parsed.length > LIMITS.documentsPerFile) {
    const reason = `holds ${parsed.length} YAML documents: the local mesh reads at most ${LIMITS.documentsPerFile} per file`;
    result.errors.push({ file: source.file, reason });
    return result;
  }
  parsed.forEach((doc, i) => {
    for (const error of doc.errors) {
      result.errors.push({
        file: source.file,
        reason: `YAML syntax error at ${located(error.pos[0], error.message)}`,
      });
    }
    for (const warning of doc.warnings) {
      result.warnings.push({
        file: source.file,
        reason: `YAML warning at ${located(warning.pos[0], warning.message)}`,
      });
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    const problem = checkBounds(doc.contents);
    if (problem?.kind === 'duplicate') {
      const reason = `YAML syntax error at ${located(problem.offset, 'Map keys must be unique')}`;
      result.errors.push({ file: source.file, reason });
      return;
    }
    if (problem !== undefined) {
      const field = fieldPath(problem.path);
      const resource = resourceOf(doc);
      result.errors.push({
        file: source.file,
        ...(resource !== undefined && { resource }),
        ...(field !== '' && { field }),
        reason: problem.reason,
      });
      return;
    }
    const start = doc.contents.range[0];
    const document = { file: source.file, index: i + 1, line: lines.linePos(start).line };
    try {
      const value = doc.toJS({ maxAliasCount: LIMITS.aliasesPerDocument }) as unknown;
      // `---` twice, or a document of comments only, is empty too.
      if (value !== null && value !== undefined) result.documents.push({ ...document, value });
    } catch (error) {
      // Only an alias bomb gets here: toJS refuses to expand aliases past a limit.
      result.errors.push({
        file: source.file,
        reason: `YAML document ${document.index} (line ${document.line}) cannot be read: ${String(error)}`,
      });
    }
  });
  return result;
}

export const tooBig = (bytes: number): string =>
  `is ${sizeText(bytes)}: the local mesh reads files up to ${sizeText(LIMITS.bytesPerFile)} (etcd's request limit, which bounds every Kubernetes object)`;

/** `Kind/name` of a document over a limit, when its top level says so. */
function resourceOf(doc: Document.Parsed): string | undefined {
  if (!isMap(doc.contents)) return undefined;
  const kind: unknown = doc.get('kind');
  const name: unknown = doc.getIn(['metadata', 'name']);
  return typeof kind === 'string' && typeof name === 'string'
    ? resourceName(kind, name)
    : undefined;
}
