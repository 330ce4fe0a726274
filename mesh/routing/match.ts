// Does a VirtualService HTTPMatchRequest match a request, as Istio documents it and as its
// translation to Envoy behaves:
// - all conditions of one match are ANDed; the match list of a route is ORed; no list matches all;
// - `uri` is matched on the path without its query string (Envoy strips it for path matchers);
// - a header or query parameter that is absent never matches, whatever the StringMatch, even
//   `regex: ".*"` (Envoy's header matcher fails on a missing header);
// - `gateways` on a match replaces the VirtualService's own list, and when it is given
//   `sourceLabels` is not consulted ("The gateway match is independent of sourceLabels"; Istio's
//   sourceMatchHTTP checks one or the other);
// - `sourceLabels` must be a subset of the calling workload's labels (for gateway traffic, of the
//   gateway workload's labels, which is what the data plane should pass).
import type { HttpMatch } from '../config/schema.ts';
import { MESH_NAMESPACE } from '../config/topology.ts';
import { labelsInclude } from './selectors.ts';
import { compileStringMatch, type StringPredicate } from './string-match.ts';

/** The reserved gateway name for sidecar traffic. */
export const MESH_GATEWAY = 'mesh';

export interface MatchRequest {
  /** The request target as sent: path and query string, `/api/round?lang=en`. */
  path: string;
  method: string;
  /** Header names in lower case; a header sent several times joined with `,`. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Labels of the calling workload (sidecar traffic) or of the gateway workload. */
  sourceLabels: Readonly<Record<string, string>>;
  /** `mesh` for sidecar traffic, else the gateway: `quiz-gateway` or `istio-system/ingress`. */
  gateway: string;
}

/** A compiled match condition (or list of them): does this request satisfy it. */
export type RequestPredicate = (request: MatchRequest) => boolean;

// Istio ignores these keys under `headers`; they are matched by their own fields.
const PSEUDO_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);

/** The path of a request target without query string or fragment. */
export function pathOf(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** Query parameters of a request target, first value of each name, percent-decoded. */
export function queryParamsOf(target: string): Map<string, string> {
  const params = new Map<string, string>();
  const start = target.indexOf('?');
  if (start === -1) return params;
  const hash = target.indexOf('#', start);
  const query = target.slice(start + 1, hash === -1 ? undefined : hash);
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    // Envoy's query parameter matcher looks at the first value of a repeated parameter.
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `mesh`, or a gateway as `namespace/name`; an unqualified name lives in `namespace`. */
export function gatewayKey(name: string, namespace: string = MESH_NAMESPACE): string {
  if (name === MESH_GATEWAY || name.includes('/')) return name;
  return `${namespace}/${name}`;
}

/** Compile one HTTPMatchRequest; `namespace` is the VirtualService's, for gateway names. */
export function compileHttpMatch(
  match: HttpMatch,
  namespace: string = MESH_NAMESPACE,
): RequestPredicate {
  const tests: RequestPredicate[] = [];
  if (match.uri) {
    const uri = compileStringMatch(match.uri);
    tests.push((request) => uri(pathOf(request.path)));
  }
  if (match.method) {
    const method = compileStringMatch(match.method);
    tests.push((request) => method(request.method));
  }
  for (const [name, stringMatch] of Object.entries(match.headers ?? {})) {
    const key = name.toLowerCase();
    if (PSEUDO_HEADER_KEYS.has(key)) continue;
    const test = compileStringMatch(stringMatch);
    tests.push((request) => present(request.headers[key], test));
  }
  // Istio documents only exact and regex for query parameters; a prefix is kept as a prefix.
  const queryTests = Object.entries(match.queryParams ?? {}).map(
    ([name, stringMatch]) => [name, compileStringMatch(stringMatch)] as const,
  );
  if (queryTests.length > 0) {
    tests.push((request) => {
      const params = queryParamsOf(request.path);
      return queryTests.every(([name, test]) => present(params.get(name), test));
    });
  }
  if (match.gateways && match.gateways.length > 0) {
    const gateways = new Set(match.gateways.map((gateway) => gatewayKey(gateway, namespace)));
    tests.push((request) => gateways.has(gatewayKey(request.gateway)));
  } else if (match.sourceLabels) {
    const required = match.sourceLabels;
    tests.push((request) => labelsInclude(request.sourceLabels, required));
  }
  return (request) => tests.every((test) => test(request));
}

function present(value: string | undefined, test: StringPredicate): boolean {
  return value !== undefined && test(value);
}

/** Compile a route's match list: any one match suffices; no list (or an empty one) matches all. */
export function compileRouteMatch(
  matches: readonly HttpMatch[] | undefined,
  namespace: string = MESH_NAMESPACE,
): RequestPredicate {
  if (!matches || matches.length === 0) return () => true;
  const compiled = matches.map((match) => compileHttpMatch(match, namespace));
  return (request) => compiled.some((test) => test(request));
}

const compiledMatches = new WeakMap<HttpMatch, RequestPredicate>();

/** Does one HTTPMatchRequest match the request (compiled on first use, with that namespace). */
export function httpMatchMatches(
  match: HttpMatch,
  request: MatchRequest,
  namespace: string = MESH_NAMESPACE,
): boolean {
  let compiled = compiledMatches.get(match);
  if (!compiled) {
    compiled = compileHttpMatch(match, namespace);
    compiledMatches.set(match, compiled);
  }
  return compiled(request);
}
