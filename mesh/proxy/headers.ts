// Which headers cross the proxy. Hop-by-hop headers describe one connection and are not passed on
// in either direction; content-length is dropped too, as the proxy writes its own. In local mode
// the mesh also proves to each app that a call came through it (services/kit/mesh-token.ts), as
// a sidecar's mTLS certificate does: its token replaces whatever a caller sent in that header,
// and is never passed back.
import type { IncomingHttpHeaders } from 'node:http';
import { MESH_TOKEN_HEADER, MESH_TOKEN_VARIABLE } from '../../services/kit/mesh-token.ts';

/** Read once: local mode sets it for the mesh's whole run; unset, no token is sent. */
const meshToken = process.env[MESH_TOKEN_VARIABLE];

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
  MESH_TOKEN_HEADER,
]);

/** The request's end-to-end headers, one string each (repeated headers joined with `,`). */
export function requestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  if (meshToken !== undefined) flat[MESH_TOKEN_HEADER] = meshToken;
  return flat;
}

/** The upstream response's end-to-end headers, for the caller. */
export function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const passed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) passed[name] = value;
  }
  return passed;
}
