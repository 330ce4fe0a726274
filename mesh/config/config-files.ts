// Which files of a mesh-config folder hold the config: its top-level YAML files, except the
// kustomization that lets `kubectl apply -k` take the same folder (kustomize's own file names).
const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'kustomization']);

export function isMeshConfigFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !KUSTOMIZATION.has(name.toLowerCase());
}
