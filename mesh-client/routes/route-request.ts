// What `quizmesh route` was asked for, read from its arguments: a weighted split between versions
// and header routes that come before it. Only the syntax is checked here (whole weights summing to
// 100, NAME=VALUE:VERSION); whether the versions exist is for the mesh config's validation to say.

export interface WeightedVersion {
  version: string;
  weight: number;
}

export interface HeaderRoute {
  /** Lower case, as Istio matches header names. */
  header: string;
  /** Matched exactly. */
  value: string;
  version: string;
}

export interface RouteRequest {
  service: string;
  /** Every call no header route takes, split by weight. */
  split: WeightedVersion[];
  /** Tried in order, before the split. */
  headers: HeaderRoute[];
}

export type ParsedRouteRequest =
  { ok: true; request: RouteRequest } | { ok: false; message: string };

// A Kubernetes name (RFC 1123 label): what Services and subsets are called.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// An HTTP header name (RFC 9110 token).
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseRouteRequest(
  service: string | undefined,
  weights: readonly string[],
  headers: readonly string[],
): ParsedRouteRequest {
  if (service === undefined) return fail('give a service and at least one <version>=<weight>');
  if (!NAME.test(service)) return fail(`'${service}' is not a service name (e.g. quiz)`);
  if (weights.length === 0) return fail('give at least one <version>=<weight>, e.g. v1=100');

  const split: WeightedVersion[] = [];
  for (const arg of weights) {
    const parsed = parseWeight(arg);
    if (typeof parsed === 'string') return fail(parsed);
    if (split.some((s) => s.version === parsed.version)) {
      return fail(`version ${parsed.version} is given twice`);
    }
    split.push(parsed);
  }
  const sum = split.reduce((total, s) => total + s.weight, 0);
  if (sum !== 100) {
    const terms = split.map((s) => String(s.weight)).join(' + ');
    return fail(`weights must sum to 100; ${terms} = ${sum}`);
  }

  const routes: HeaderRoute[] = [];
  for (const arg of headers) {
    const parsed = parseHeader(arg);
    if (typeof parsed === 'string') return fail(parsed);
    routes.push(parsed);
  }
  return { ok: true, request: { service, split, headers: routes } };
}

function parseWeight(arg: string): WeightedVersion | string {
  const match = /^([^=]*)=(.*)$/.exec(arg);
  const version = match?.[1] ?? '';
  const weight = match?.[2] ?? '';
  if (match === null) return `'${arg}' is not <version>=<weight> (e.g. v1=90)`;
  if (!NAME.test(version)) return `'${arg}': '${version}' is not a version name (e.g. v1)`;
  if (!/^\d+$/.test(weight) || Number(weight) > 100) {
    return `'${arg}': the weight must be a whole number from 0 to 100`;
  }
  return { version, weight: Number(weight) };
}

/** NAME=VALUE:VERSION; the value may hold `=` and `:`, the version is after the last `:`. */
function parseHeader(arg: string): HeaderRoute | string {
  const usage = `--header '${arg}' is not NAME=VALUE:VERSION (e.g. x-quiz-player=alice:v3)`;
  const equals = arg.indexOf('=');
  const colon = arg.lastIndexOf(':');
  if (equals <= 0 || colon < equals) return usage;
  const header = arg.slice(0, equals);
  const value = arg.slice(equals + 1, colon);
  const version = arg.slice(colon + 1);
  if (!HEADER.test(header)) return `--header '${arg}': '${header}' is not a header name`;
  if (value === '') return `--header '${arg}': give a value to match`;
  if (!NAME.test(version)) return `--header '${arg}': '${version}' is not a version name (e.g. v3)`;
  return { header: header.toLowerCase(), value, version };
}

const fail = (message: string): ParsedRouteRequest => ({ ok: false, message });

/** `v1 90% · v3 10% (header x-quiz-player=alice → v3)` */
export function describeRouteRequest(request: RouteRequest): string {
  const split = request.split.map((s) => `${s.version} ${s.weight}%`).join(' · ');
  if (request.headers.length === 0) return split;
  const headers = request.headers.map((h) => `header ${h.header}=${h.value} → ${h.version}`);
  return `${split} (${headers.join(', ')})`;
}
