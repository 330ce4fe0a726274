// A private copy of mesh-config/ for one test run, with some in-force files replaced (by a scenario
// or by YAML written in the test), so a test can change routing without touching the repo.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parseDocument } from 'yaml';

const MESH_CONFIG = fileURLToPath(new URL('../../mesh-config/', import.meta.url));

/**
 * `replace`: in-force file name → a scenario file name (from scenarios/) or YAML text.
 * `apply`: scenario files whose resources replace the in-force ones of the same kind and name,
 * wherever those are written, as `kubectl apply -f scenarios/…` would.
 */
export function meshConfigCopy(replace: Record<string, string> = {}, apply: string[] = []): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'quizmesh-mesh-config-')), 'mesh-config');
  cpSync(MESH_CONFIG, dir, { recursive: true });
  for (const [file, content] of Object.entries(replace)) {
    const text = content.endsWith('.yaml')
      ? readFileSync(join(MESH_CONFIG, 'scenarios', content), 'utf8')
      : content;
    writeFileSync(join(dir, file), text);
  }
  for (const scenario of apply)
    applyScenario(dir, readFileSync(join(MESH_CONFIG, 'scenarios', scenario), 'utf8'));
  return dir;
}

const identity = (doc: unknown): string => {
  const { kind, metadata } = doc as { kind?: string; metadata?: { name?: string } };
  return `${kind ?? ''}/${metadata?.name ?? ''}`;
};

function applyScenario(dir: string, scenarioText: string): void {
  const replacement = parseDocument(scenarioText);
  const key = identity(replacement.toJS());
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
    const at = docs.findIndex((doc) => identity(doc.toJS()) === key);
    if (at === -1) continue;
    const texts = docs.map((doc, i) => (i === at ? replacement.toString() : doc.toString()));
    writeFileSync(join(dir, file), texts.join('---\n'));
    return;
  }
  throw new Error(`no in-force resource ${key} to replace`);
}

/**
 * The in-force quiz VirtualService sending every call to `version`: written out, as scenarios/ has
 * no all-v2 route (v2 is only ever a canary there). For meshConfigCopy's `replace`.
 */
export function quizRouteTo(version: string): string {
  return `# Every call to quiz goes to ${version}.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: quiz
  namespace: quiz
spec:
  hosts:
    - quiz
  http:
    - route:
        - destination:
            host: quiz
            subset: ${version}
          weight: 100
`;
}
