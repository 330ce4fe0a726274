// A route change to mesh-config/, as `quizmesh route`, `quizmesh canary` and the console make it:
// planned (the edited VirtualService and the whole folder validated as the mesh would load it),
// then written atomically, then confirmed by the running local mesh when there is one. Callers say
// the outcome in their own words; nothing here prints.
import path from 'node:path';
import { declaredMeshTopology } from '../../local/mesh-topology.ts';
import { formatFinding } from '../../mesh/config/findings.ts';
import { loadMeshSources, type MeshSource } from '../../mesh/config/load.ts';
import { readConfigFolder, writeFileAtomically } from './config-folder.ts';
import { findLocalMesh, waitForApply, type ApplyOutcome } from '../local-mesh.ts';
import type { RouteRequest } from './route-request.ts';
import { editRoutes, type RouteEdit } from './virtual-service-file.ts';

export type PlannedRoute =
  | {
      ok: true;
      edit: RouteEdit;
      /** The file to write: `dir` joined with the edited file's name. */
      path: string;
      /** Warnings of the resulting config, formatted. */
      warnings: string[];
    }
  | { ok: false; errors: string[]; why: string; warnings: string[] };

/** The edit `request` makes to `dir`, and whether all of `dir` still validates with it. */
export function planRoute(dir: string, request: RouteRequest): PlannedRoute {
  const folder = readConfigFolder(dir);
  if (!folder.ok) return { ok: false, errors: [], why: folder.message, warnings: [] };
  const edit = editRoutes(folder.sources, request);
  const result = loadMeshSources(withEdit(folder.sources, edit), declaredMeshTopology(), {
    label: dir,
  });
  const warnings = result.warnings.map((warning) => formatFinding(warning, dir));
  if (!result.ok) {
    const errors = result.errors.map((error) => formatFinding(error, dir));
    return { ok: false, errors, why: 'the config would not validate', warnings };
  }
  return { ok: true, edit, path: path.join(dir, edit.file), warnings };
}

export type WrittenRoute =
  | { kind: 'unchanged' }
  | { kind: 'unwritable'; message: string }
  /** `mesh` is undefined when no local mode runs to apply it. */
  | { kind: 'written'; mesh?: { applied: ApplyOutcome; generationBefore: number } };

/**
 * Writes a planned edit and, when local mode runs (found in `home`), waits up to `applyTimeoutMs`
 * for its mesh to apply or refuse it.
 */
export async function writeRoute(
  planned: Extract<PlannedRoute, { ok: true }>,
  options: { home: string; applyTimeoutMs: number },
): Promise<WrittenRoute> {
  if (planned.edit.after === planned.edit.before) return { kind: 'unchanged' };
  // Found before writing, so that its generation then is the one to move past.
  const mesh = await findLocalMesh(options.home);
  try {
    writeFileAtomically(planned.path, planned.edit.after);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { kind: 'unwritable', message: `cannot write ${planned.path}: ${code}` };
  }
  if (mesh === undefined) return { kind: 'written' };
  const applied = await waitForApply(mesh.adminUrl, mesh.status, options.applyTimeoutMs);
  return { kind: 'written', mesh: { applied, generationBefore: mesh.status.generation } };
}

/** The folder's sources with the edited file in place of its old text, or added. */
function withEdit(sources: readonly MeshSource[], edit: RouteEdit): MeshSource[] {
  const others = sources.filter((s) => s.file !== edit.file);
  return [...others, { file: edit.file, text: edit.after }].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
  );
}
