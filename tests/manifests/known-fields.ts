// kubernetes-models validates types and required fields but lets unknown or misspelled fields
// through (`readinessProbe.periodSecond` would be dropped by the API server without a word). This is
// the list of fields these manifests may use, per kind; anything else is reported with its path.
// A leaf `true` accepts any value; `MAP` accepts any keys (labels, annotations, data).

type Shape = true | 'MAP' | { readonly [field: string]: Shape };
const MAP = 'MAP';

const metadata: Shape = { name: true, namespace: true, labels: MAP, annotations: MAP };
const httpGet: Shape = { path: true, port: true };
const probe: Shape = {
  httpGet,
  exec: { command: true },
  initialDelaySeconds: true,
  periodSeconds: true,
  timeoutSeconds: true,
  failureThreshold: true,
  successThreshold: true,
};
const securityContext: Shape = {
  runAsNonRoot: true,
  runAsUser: true,
  runAsGroup: true,
  fsGroup: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: true,
  capabilities: { drop: true },
  seccompProfile: { type: true },
};
const container: Shape = {
  name: true,
  image: true,
  imagePullPolicy: true,
  command: true,
  args: true,
  ports: { name: true, containerPort: true },
  env: {
    name: true,
    value: true,
    valueFrom: { secretKeyRef: { name: true, key: true } },
  },
  envFrom: { configMapRef: { name: true } },
  readinessProbe: probe,
  livenessProbe: probe,
  resources: { requests: MAP, limits: MAP },
  securityContext,
  volumeMounts: { name: true, mountPath: true, readOnly: true },
};
const podSpec: Shape = {
  serviceAccountName: true,
  automountServiceAccountToken: true,
  terminationGracePeriodSeconds: true,
  securityContext,
  containers: container,
  volumes: {
    name: true,
    emptyDir: { sizeLimit: true },
    configMap: { name: true },
    persistentVolumeClaim: { claimName: true },
  },
};

export const KNOWN_FIELDS: Readonly<Record<string, Shape>> = {
  Namespace: { apiVersion: true, kind: true, metadata },
  ServiceAccount: { apiVersion: true, kind: true, metadata },
  ConfigMap: { apiVersion: true, kind: true, metadata, data: MAP },
  Secret: { apiVersion: true, kind: true, metadata, type: true, data: MAP },
  Service: {
    apiVersion: true,
    kind: true,
    metadata,
    spec: { selector: MAP, ports: { name: true, port: true, targetPort: true } },
  },
  PersistentVolumeClaim: {
    apiVersion: true,
    kind: true,
    metadata,
    spec: { accessModes: true, resources: { requests: MAP } },
  },
  Deployment: {
    apiVersion: true,
    kind: true,
    metadata,
    spec: {
      replicas: true,
      strategy: { type: true },
      selector: { matchLabels: MAP },
      template: { metadata, spec: podSpec },
    },
  },
  Role: {
    apiVersion: true,
    kind: true,
    metadata,
    rules: { apiGroups: true, resources: true, verbs: true },
  },
  RoleBinding: {
    apiVersion: true,
    kind: true,
    metadata,
    roleRef: { apiGroup: true, kind: true, name: true },
    subjects: { kind: true, name: true, namespace: true },
  },
};

/** Paths of fields that `shape` does not list, like `spec.template.spec.containers[0].imag`. */
export function unknownFields(value: unknown, shape: Shape, path = ''): string[] {
  if (shape === true || shape === MAP) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => unknownFields(item, shape, `${path}[${i}]`));
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    const childShape = shape[key];
    return childShape === undefined ? [childPath] : unknownFields(child, childShape, childPath);
  });
}
