// @ts-check
// The console's JSON API, as the page calls it: one function per endpoint, typed with the answer
// the server builds (console/server/), or an ApiError carrying the server's words.
/** @import { z } from 'zod' */
/** @import { GraphAnswer, ProcessesAnswer, RedAnswer, TraceAnswer, TraceListAnswer, traceListQuery } from '../server/app.ts' */
/** @import { RolloutsView } from '../server/rollouts.ts' */
/** @import { RouteChangeApplied, RouteChangeBody } from '../server/route-change.ts' */
/** @import { RoutesView } from '../server/routes-in-force.ts' */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {unknown} body the answer's JSON, if it was JSON: `{ error }` from the services' error
   *   handler, and more for some refusals (RouteChangeRefused)
   */
  constructor(status, body) {
    super(errorOf(body) ?? `the console answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** @param {unknown} body */
function errorOf(body) {
  return typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof body.error === 'string'
    ? body.error
    : undefined;
}

/** What a failed refresh or change says: the server's words, or the browser's. */
export function messageOf(/** @type {unknown} */ error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The answer as the server's type for it says: the page trusts its own server, whose handlers
 * build each answer to that type (`satisfies` in app.ts), so it is not checked again here.
 * @template T
 * @param {Response} response
 * @returns {Promise<T>}
 */
async function answer(response) {
  /** @type {unknown} */
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, body);
  return /** @type {T} */ (body);
}

/**
 * @template T
 * @param {string} url
 * @returns {Promise<T>}
 */
async function getJson(url) {
  return answer(await fetch(url, { headers: { accept: 'application/json' } }));
}

/** @returns {Promise<GraphAnswer>} */
export function getGraph() {
  return getJson('/api/graph');
}

/** @returns {Promise<RedAnswer>} */
export function getRed() {
  return getJson('/api/red');
}

/**
 * A filter of the trace list, as GET /api/traces names it in its query.
 * @typedef {keyof z.input<typeof traceListQuery>} TraceFilter
 */

/**
 * @param {[TraceFilter, string][]} filters
 * @returns {Promise<TraceListAnswer>}
 */
export function listTraces(filters) {
  return getJson(`/api/traces?${new URLSearchParams(filters).toString()}`);
}

/**
 * @param {string} traceId
 * @returns {Promise<TraceAnswer>}
 */
export function getTrace(traceId) {
  return getJson(`/api/traces/${encodeURIComponent(traceId)}`);
}

/** @returns {Promise<RoutesView>} */
export function getRoutes() {
  return getJson('/api/routes');
}

/** @returns {Promise<RolloutsView>} */
export function getRollouts() {
  return getJson('/api/canary');
}

/** @returns {Promise<ProcessesAnswer>} */
export function getProcesses() {
  return getJson('/api/processes');
}

/**
 * A refused change throws an ApiError whose body is a RouteChangeRefused.
 * @param {string} service
 * @param {RouteChangeBody} change
 * @returns {Promise<RouteChangeApplied>}
 */
export async function changeRoute(service, change) {
  return answer(
    await fetch(`/api/routes/${encodeURIComponent(service)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(change),
    }),
  );
}
