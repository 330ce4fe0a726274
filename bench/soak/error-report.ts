// Failed requests by kind, each marked injected or not, with what the version is meant to inject.
import type { ErrorKind } from './error-count.ts';
import { INJECTED_FAILURES, type QuizVersion } from './injected-failures.ts';
import { formatTable } from './text-table.ts';

export function formatErrorTable(kinds: readonly ErrorKind[], version: QuizVersion): string {
  const header = `injected by quiz ${version}: ${INJECTED_FAILURES[version]}\n`;
  if (kinds.length === 0) return `${header}  no failed requests\n`;
  const rows = [['failed request', 'count', 'injected', 'unexpected']];
  for (const k of kinds) {
    rows.push([k.kind, String(k.count), String(k.injected), String(k.unexpected)]);
  }
  return header + formatTable(rows);
}
