// In local mode the mesh is the only way in, as STRICT mTLS and the AuthorizationPolicies make it
// on a cluster: local mode gives the mesh and every service one random token per run, the mesh
// sends it on every call it proxies (mesh/proxy/headers.ts), and a service refuses a call without
// it, whatever read its port. Unset (a cluster, a test of one process), nothing is checked.
//
// Health and metrics stay open: the supervisor probes /healthz and /readyz, and Prometheus scrapes
// /metrics, each straight from the instance as the kubelet and Prometheus do on a cluster (where
// metrics merging serves them outside mTLS too). They hold no player data: route templates,
// status codes and counts only.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.ts';

/** The environment variable local mode sets, in the mesh and in every service. */
export const MESH_TOKEN_VARIABLE = 'QUIZMESH_MESH_TOKEN';
export const MESH_TOKEN_HEADER = 'x-quizmesh-mesh-token';

/** Compared as digests: equal lengths, in constant time, so timing tells nothing of the token. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function requireMeshToken(token: string | undefined): RequestHandler {
  if (token === undefined) {
    return (_req, _res, next) => {
      next();
    };
  }
  const expected = digest(token);
  return (req, _res, next) => {
    const { [MESH_TOKEN_HEADER]: sent, ...others } = req.headers;
    // Gone before any handler, log line or forwarded call could see it.
    req.headers = others;
    if (typeof sent !== 'string' || !timingSafeEqual(digest(sent), expected)) {
      next(new HttpError(403, 'calls come through the mesh only'));
      return;
    }
    next();
  };
}
