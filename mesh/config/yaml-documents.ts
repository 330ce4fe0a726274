// A YAML file as Kubernetes reads it: a stream of `---`-separated documents, each one resource.
// Syntax errors are reported with their line; empty documents (a trailing `---`) are skipped.
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Finding } from './findings.ts';

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
  const lines = new LineCounter();
  const result: ReadDocuments = { documents: [], errors: [], warnings: [] };
  const located = (offset: number | undefined, message: string): string => {
    if (offset === undefined) return message;
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}: ${message}`;
  };
  const parsed = parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: false });
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
    const start = doc.contents.range[0];
    const document = { file: source.file, index: i + 1, line: lines.linePos(start).line };
    try {
      const value = doc.toJS() as unknown;
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
