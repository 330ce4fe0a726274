// The per-run token local mode gives the mesh and the services (services/kit/mesh-token.ts), for
// tests that call a service directly as the mesh would. It lives in the processes' environment
// only, readable by the user who started them: so is it read here (Linux's /proc).
import { readFileSync } from 'node:fs';
import { MESH_TOKEN_HEADER, MESH_TOKEN_VARIABLE } from '../../services/kit/mesh-token.ts';
import type { RunningLocalMode } from './local-mode.ts';

export function meshTokenHeaders(local: RunningLocalMode): Record<string, string> {
  const mesh = local.state.workloads.find((w) => w.app === 'mesh');
  if (mesh?.pid === undefined) throw new Error('local mode runs no mesh with a known pid');
  const environ = readFileSync(`/proc/${mesh.pid}/environ`, 'utf8').split('\0');
  const prefix = `${MESH_TOKEN_VARIABLE}=`;
  const token = environ.find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
  if (token === undefined) throw new Error(`the mesh has no ${MESH_TOKEN_VARIABLE}`);
  return { [MESH_TOKEN_HEADER]: token };
}
