// The files of a mesh-config folder as the local mesh reads them (the top-level *.yaml / *.yml but
// kustomization.yaml, by name), and a way to replace one that the mesh's folder watcher never sees half-written.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMeshConfigFile } from '../../mesh/config/config-files.ts';
import type { MeshSource } from '../../mesh/config/load.ts';

export type ReadFolder = { ok: true; sources: MeshSource[] } | { ok: false; message: string };

/** Each source's `file` is its name in `dir`, as the mesh's findings name it. */
export function readConfigFolder(dir: string): ReadFolder {
  try {
    const names = readdirSync(dir)
      .filter((name) => isMeshConfigFile(name) && statSync(path.join(dir, name)).isFile())
      .sort();
    const sources = names.map((file) => ({
      file,
      text: readFileSync(path.join(dir, file), 'utf8'),
    }));
    return { ok: true, sources };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, message: `cannot read ${dir}: ${code}` };
  }
}

/**
 * Writes a sibling temporary file and renames it over `file`: the watcher sees the old file or the
 * new one, never a truncated one. A symlinked file is replaced where it points; the mode is kept.
 */
export function writeFileAtomically(file: string, text: string): void {
  let target = file;
  let mode = 0o644;
  try {
    target = realpathSync(file);
    mode = statSync(target).mode & 0o777;
  } catch {
    // A new file.
  }
  // Not *.yaml, so a reload that happens to run meanwhile does not read it as config.
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
