// A private copy of mesh-config/ for one test run, with some in-force files replaced (by a scenario
// or by YAML written in the test), so a test can change routing without touching the repo.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MESH_CONFIG = fileURLToPath(new URL('../../mesh-config/', import.meta.url));

/** `replace`: in-force file name → a scenario file name (from scenarios/) or YAML text. */
export function meshConfigCopy(replace: Record<string, string> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'quizmesh-mesh-config-')), 'mesh-config');
  cpSync(MESH_CONFIG, dir, { recursive: true });
  for (const [file, content] of Object.entries(replace)) {
    const text = content.endsWith('.yaml')
      ? readFileSync(join(MESH_CONFIG, 'scenarios', content), 'utf8')
      : content;
    writeFileSync(join(dir, file), text);
  }
  return dir;
}
