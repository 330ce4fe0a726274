// What validation and analysis report: one problem, located as precisely as we can (file, resource,
// field path) and said so that a reader can fix it without opening this code.
import path from 'node:path';

export interface Finding {
  /** Relative to the folder loaded: `virtual-service-quiz.yaml`, `scenarios/…`; `.` is the folder. */
  file: string;
  /** `Kind/name`, when the problem belongs to one resource. */
  resource?: string;
  /** Where in the resource: `spec.http[0].route[1].weight`. */
  field?: string;
  reason: string;
  /** istioctl analyze's code for the same trap, where it has one: `IST0101`. */
  code?: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['spec', 'http', 0, 'match', 0, 'headers', 'x-quiz-player']` → `spec.http[0].match[0].headers["x-quiz-player"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

export function resourceName(kind: string, name: string): string {
  return `${kind}/${name}`;
}

/** `file: Kind/name: field: reason`, the parts that are known; `dir` prefixes the file. */
export function formatFinding(finding: Finding, dir?: string): string {
  const file = dir === undefined ? finding.file : path.join(dir, finding.file);
  const where = [file, finding.resource, finding.field].filter((part) => part !== undefined);
  const code = finding.code === undefined ? '' : ` [${finding.code}]`;
  return `${where.join(': ')}: ${finding.reason}${code}`;
}
