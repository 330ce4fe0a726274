// Where the cluster tier's real programs are: built from pinned versions by
// tests/cluster/tools/install.sh into a cache outside the repo. A missing one fails the test that
// needs it with the command that installs it; nothing is skipped quietly.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../manifests/rendered.ts';

export const TOOLS_CACHE =
  process.env.QUIZMESH_TOOLS_CACHE ?? join(homedir(), '.cache', 'quizmesh', 'cluster-tools');

const INSTALL = 'bash tests/cluster/tools/install.sh';

function present(path: string, mode: number, what: string): string {
  try {
    accessSync(path, mode);
    return path;
  } catch {
    throw new Error(`${what} is not installed at ${path}: run \`${INSTALL}\``);
  }
}

/** The path of a program, e.g. `tool('prometheus')`. */
export function tool(name: string): string {
  return present(join(TOOLS_CACHE, 'bin', name), constants.X_OK, name);
}

/** A data file the tools bring, e.g. `shared('zipkin-server.jar')`. */
export function shared(name: string): string {
  return present(join(TOOLS_CACHE, 'share', name), constants.R_OK, name);
}

/** A file of the pinned Istio release's source, as install.sh fetched it (the Go module cache). */
export function istioSource(path: string): string {
  const versions = readFileSync(join(ROOT, 'tests/cluster/tools/versions.env'), 'utf8');
  const version = /^ISTIO_MODULE_VERSION=(\S+)$/m.exec(versions)?.[1];
  if (version === undefined) throw new Error('versions.env pins no ISTIO_MODULE_VERSION');
  const file = join(TOOLS_CACHE, 'go', 'pkg', 'mod', `istio.io/istio@${version}`, path);
  return present(file, constants.R_OK, `Istio's ${path}`);
}
