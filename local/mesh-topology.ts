// The Services and workload instances local mode runs, as the mesh sees them: the same names,
// labels and service accounts the Kubernetes manifests give them.
import { MESH_NAMESPACE, type MeshInstance, type MeshTopology } from '../mesh/config/topology.ts';

/** Apps and the versions local mode runs of each; every app has a Service of the same name. */
export const LOCAL_APPS: Readonly<Record<string, readonly string[]>> = {
  frontend: ['v1'],
  quiz: ['v1', 'v2', 'v3'],
  images: ['v1'],
  descriptions: ['v1'],
  scores: ['v1'],
};

/** The port every Service exposes on the cluster (named `http`). */
export const SERVICE_PORT = 8080;

export interface InstanceAddress {
  app: string;
  version: string;
  host: string;
  port: number;
}

export function meshTopology(instances: readonly InstanceAddress[]): MeshTopology {
  const apps = [...new Set(instances.map((i) => i.app))];
  return {
    services: apps.map((name) => ({ name, namespace: MESH_NAMESPACE, port: SERVICE_PORT })),
    instances: instances.map((i): MeshInstance => ({
      workload: `${i.app}-${i.version}`,
      namespace: MESH_NAMESPACE,
      labels: { app: i.app, version: i.version },
      serviceAccount: i.app,
      service: i.app,
      host: i.host,
      port: i.port,
    })),
  };
}

/** The topology without addresses: for validating mesh-config/ when nothing runs. */
export function declaredMeshTopology(apps = LOCAL_APPS): MeshTopology {
  return meshTopology(
    Object.entries(apps).flatMap(([app, versions]) =>
      versions.map((version) => ({ app, version, host: '127.0.0.1', port: 0 })),
    ),
  );
}
