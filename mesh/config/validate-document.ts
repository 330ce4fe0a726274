// One YAML document, checked on its own in three steps: is it one of the six kinds the local mesh
// reads; is it valid Istio (the CRD schemas from @kubernetes-models/istio, which catch wrong types
// and missing fields but not unknown ones); and is every field one the local mesh implements (the
// strict zod schemas in schema.ts). Each problem becomes a Finding with the field's path.
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry';
import { z } from 'zod';
import { fieldPath, resourceName, type Finding } from './findings.ts';
import {
  authorizationPolicy,
  destinationRule,
  gateway,
  peerAuthentication,
  SUPPORTED,
  telemetry,
  virtualService,
  type MeshConfig,
  type Sourced,
  type SupportedKind,
} from './schema.ts';
import { MESH_NAMESPACE } from './topology.ts';
import type { RawDocument } from './yaml-documents.ts';

interface KindSpec {
  apiVersion: string;
  /** Istio's schema: throws an ajv ValidationError. */
  istio: (data: object) => void;
  /** The local mesh's schema: the parsed resource, ready to add to a config, or why not. */
  parse: (value: unknown, file: string) => Parsed;
}

type Parsed = { ok: true; addTo: (config: MeshConfig) => void } | { ok: false; error: z.ZodError };

const KINDS: Record<SupportedKind, KindSpec> = {
  Gateway: {
    apiVersion: 'networking.istio.io/v1',
    istio: (data) => {
      new Gateway(data).validate();
    },
    parse: (value, file) => parse(gateway, value, file, (config) => config.gateways),
  },
  VirtualService: {
    apiVersion: 'networking.istio.io/v1',
    istio: (data) => {
      new VirtualService(data).validate();
    },
    parse: (value, file) => parse(virtualService, value, file, (config) => config.virtualServices),
  },
  DestinationRule: {
    apiVersion: 'networking.istio.io/v1',
    istio: (data) => {
      new DestinationRule(data).validate();
    },
    parse: (value, file) =>
      parse(destinationRule, value, file, (config) => config.destinationRules),
  },
  PeerAuthentication: {
    apiVersion: 'security.istio.io/v1',
    istio: (data) => {
      new PeerAuthentication(data).validate();
    },
    parse: (value, file) =>
      parse(peerAuthentication, value, file, (config) => config.peerAuthentications),
  },
  AuthorizationPolicy: {
    apiVersion: 'security.istio.io/v1',
    istio: (data) => {
      new AuthorizationPolicy(data).validate();
    },
    parse: (value, file) =>
      parse(authorizationPolicy, value, file, (config) => config.authorizationPolicies),
  },
  Telemetry: {
    apiVersion: 'telemetry.istio.io/v1',
    istio: (data) => {
      new Telemetry(data).validate();
    },
    parse: (value, file) => parse(telemetry, value, file, (config) => config.telemetries),
  },
};

const isKind = (kind: string): kind is SupportedKind => Object.hasOwn(SUPPORTED, kind);

const KIND_LIST = Object.entries(KINDS)
  .map(([kind, spec]) => `${kind} (${spec.apiVersion})`)
  .join(', ');

type Namespaced = { metadata: { namespace?: string | undefined } };

function parse<S extends z.ZodType<Namespaced>>(
  schema: S,
  value: unknown,
  file: string,
  listOf: (config: MeshConfig) => Sourced<z.output<S>>[],
): Parsed {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, error: parsed.error };
  parsed.data.metadata.namespace ??= MESH_NAMESPACE;
  const resource = { ...parsed.data, source: { file } };
  return { ok: true, addTo: (config) => listOf(config).push(resource) };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks one document; when it is valid, adds it to `config` and returns no findings. */
export function validateDocument(doc: RawDocument, config: MeshConfig): Finding[] {
  const where = `document ${doc.index} (line ${doc.line})`;
  const { value } = doc;
  if (!isRecord(value)) {
    return [
      {
        file: doc.file,
        reason: `${where} is not a Kubernetes resource: expected a mapping with apiVersion, kind, metadata and spec`,
      },
    ];
  }
  const kind = typeof value.kind === 'string' ? value.kind : undefined;
  const name = isRecord(value.metadata) ? value.metadata.name : undefined;
  const base = {
    file: doc.file,
    resource:
      typeof name === 'string' && name !== ''
        ? resourceName(kind ?? '(no kind)', name)
        : `${kind ?? '(no kind)'} ${where}`,
  };
  const header = readHeader(value.apiVersion, kind);
  if (!header.ok) return [{ ...base, ...header.problem }];
  const spec = KINDS[header.kind];

  const located = istioSchemaFindings(() => {
    spec.istio(value);
  }, value);
  const parsed = spec.parse(value, doc.file);
  if (!parsed.ok) {
    const reported = located.map((f) => f.field);
    for (const f of localSchemaFindings(parsed.error, value, SUPPORTED[header.kind])) {
      if (!reported.some((field) => covers(field, f.field))) located.push(f);
    }
  }
  if (parsed.ok && located.length === 0) parsed.addTo(config);
  return located.map(({ field, reason }) => ({ ...base, ...(field !== '' && { field }), reason }));
}

/** The kind, when apiVersion and kind are one of the six the local mesh reads; else why not. */
function readHeader(
  apiVersion: unknown,
  kind: string | undefined,
): { ok: true; kind: SupportedKind } | { ok: false; problem: Located } {
  if (kind === undefined) return { ok: false, problem: { field: 'kind', reason: 'is required' } };
  if (!isKind(kind)) {
    const reason = `${kind} is not supported by the local mesh, which reads ${KIND_LIST}`;
    return { ok: false, problem: { field: 'kind', reason } };
  }
  const expected = KINDS[kind].apiVersion;
  if (apiVersion === expected) return { ok: true, kind };
  const reason =
    typeof apiVersion === 'string'
      ? `${apiVersion} is not supported: the local mesh reads ${kind} as ${expected} (Istio 1.22+; the fields are the same, change apiVersion)`
      : `is required: ${expected}`;
  return { ok: false, problem: { field: 'apiVersion', reason } };
}

const covers = (outer: string, inner: string): boolean =>
  inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);

type Located = { field: string; reason: string };

// --- Istio's schema (ajv errors) ---------------------------------------------------------------

const ajvFailure = z.object({
  errors: z.array(
    z.object({
      instancePath: z.string(),
      keyword: z.string(),
      params: z.record(z.string(), z.unknown()),
      message: z.string().optional(),
    }),
  ),
});
type AjvError = z.infer<typeof ajvFailure>['errors'][number];

function istioSchemaFindings(validate: () => void, value: unknown): Located[] {
  try {
    validate();
    return [];
  } catch (thrown) {
    const failure = ajvFailure.safeParse(thrown);
    if (!failure.success) {
      return [{ field: '', reason: `Istio's schema refused it: ${String(thrown)}` }];
    }
    const byField = new Map<string, string>();
    for (const error of failure.data.errors) {
      const located = istioFinding(error, value);
      if (!byField.has(located.field)) byField.set(located.field, located.reason);
    }
    return [...byField].map(([field, reason]) => ({ field, reason }));
  }
}

function istioFinding(error: AjvError, root: unknown): Located {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  const value = valueAt(root, path);
  const { params } = error;
  const suffix = " (Istio's schema)";
  switch (error.keyword) {
    case 'required': {
      const missing = typeof params.missingProperty === 'string' ? params.missingProperty : '?';
      return { field: fieldPath([...path, missing]), reason: `is required${suffix}` };
    }
    case 'type': {
      const expected = typeof params.type === 'string' ? params.type : 'another type';
      return {
        field: fieldPath(path),
        reason: `must be ${TYPE_NAMES[expected] ?? expected}, not ${describe(value)}${suffix}`,
      };
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
      return {
        field: fieldPath(path),
        reason: `must be one of ${allowed.join(', ')}, not ${describe(value)}${suffix}`,
      };
    }
    case 'oneOf':
    case 'anyOf':
    case 'not': {
      const keys = isRecord(value) ? Object.keys(value) : [];
      return {
        field: fieldPath(path),
        reason:
          keys.length > 1
            ? `sets ${keys.join(' and ')}, which exclude each other: keep one${suffix}`
            : `is none of the forms allowed here${suffix}`,
      };
    }
    default:
      return { field: fieldPath(path), reason: `${error.message ?? error.keyword}${suffix}` };
  }
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return JSON.stringify(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

// --- The local mesh's schema (zod issues) -----------------------------------------------------

const README = 'see mesh-config/README.md';

function localSchemaFindings(error: z.ZodError, root: unknown, schema: z.ZodType): Located[] {
  return error.issues.flatMap((issue): Located[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const near = known.find((candidate) => closeEnough(key, candidate));
        const hint = near === undefined ? '' : `; did you mean ${near}?`;
        return {
          field: fieldPath([...issue.path, key]),
          reason: `field ${key} is not supported by the local mesh (${README})${hint}`,
        };
      });
    }
    let path = issue.path;
    let value = valueAt(root, path);
    const parent = valueAt(root, path.slice(0, -1));
    const last = path.at(-1);
    if (typeof parent === 'string' && typeof last === 'number') {
      // A comma-separated list (retryOn) was split by the schema: point at the field, name the item.
      path = path.slice(0, -1);
      value = parent.split(',')[last]?.trim();
    }
    return [{ field: fieldPath(path), reason: localReason(issue, value) }];
  });
}

function localReason(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return 'is required';
  switch (issue.code) {
    case 'invalid_value':
      return `${describe(value)} is not supported by the local mesh (supported: ${issue.values.map(String).join(', ')})`;
    case 'too_big':
      return issue.origin === 'array'
        ? `lists more than ${issue.maximum} items`
        : `must be at most ${issue.maximum}, not ${describe(value)}`;
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}, not ${describe(value)}`;
    case 'invalid_format':
      return `must be ${issue.message}, not ${describe(value)}`;
    case 'invalid_key': {
      // The field is the key itself: say what the key must be.
      const [inner] = issue.issues;
      return `is not ${inner?.message ?? 'an allowed key'}`;
    }
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${describe(value)}`;
    default:
      return issue.message;
  }
}

/** The keys the schema allows at `path`, for did-you-mean hints. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      const shape = current.shape as Record<string, z.ZodType | undefined>;
      current = shape[segment];
    } else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
    if (current === undefined) return [];
    current = unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

/** A likely misspelling: at most two edits apart (a swapped pair counts as one). */
function closeEnough(typed: string, known: string): boolean {
  if (typed.length < 4 || Math.abs(typed.length - known.length) > 2) return false;
  return editDistance(typed.toLowerCase(), known.toLowerCase()) <= 2;
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment distance, rows kept whole for the transposition lookback.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}
