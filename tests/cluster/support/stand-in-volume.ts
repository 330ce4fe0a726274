// kind's local-path provisioner makes a volume for each PersistentVolumeClaim (scores' data); none
// runs on the rehearsal control plane, so a volume made beforehand stands in for it. A released
// volume does not bind again: one per deployment of the manifests.
import type { Resource } from '../../manifests/rendered.ts';

export function standInVolume(name: string): Resource {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `local-path-${name}` },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: `/var/local-path/${name}` },
    },
  };
}
