// Shared by the manifest tests: renders k8s/ with kubectl's kustomize and no flags, exactly as
// skaffold and `kubectl apply -k` do,
// and reads the other files the tests check (mesh-config/, skaffold.yaml, the skaffold schema).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { isMeshConfigFile } from '../../mesh/config/config-files.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OVERLAYS = ['k8s', 'k8s/overlays/bug', 'k8s/overlays/canary', 'k8s/overlays/fixed'];
export const ROUND_SECRET_ENV = join(ROOT, 'k8s/base/round-secret.env');

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export function parseResources(text: string): Resource[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Resource | null)
    .filter((doc): doc is Resource => doc !== null);
}

function kubectlVersion(): void {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'kubectl is not on PATH: these tests render k8s/ with `kubectl kustomize` (kubectl 1.27 or ' +
        'later bundles kustomize 5). Install it, e.g. https://kubernetes.io/docs/tasks/tools/ or ' +
        '`curl -LO https://dl.k8s.io/release/v1.32.0/bin/linux/amd64/kubectl && chmod +x kubectl`.',
    );
  }
}

/**
 * Renders `dir` (relative to the repo root). k8s/base/round-secret.env is made per cluster and
 * gitignored; when it is absent, a throwaway one stands in for the render and is removed after.
 */
export function render(dir: string): Resource[] {
  kubectlVersion();
  const madeSecret = !existsSync(ROUND_SECRET_ENV);
  if (madeSecret) {
    writeFileSync(ROUND_SECRET_ENV, `ROUND_SECRET=${randomBytes(32).toString('base64')}\n`);
  }
  try {
    const out = execFileSync('kubectl', ['kustomize', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return parseResources(out);
  } finally {
    if (madeSecret) rmSync(ROUND_SECRET_ENV, { force: true });
  }
}

/** Every resource of mesh-config/, the top level and scenarios/, with the file it came from. */
export function meshConfigResources(): { file: string; resource: Resource }[] {
  const dirs = ['mesh-config', 'mesh-config/scenarios'];
  return dirs.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter(isMeshConfigFile)
      .flatMap((name) =>
        parseResources(readFileSync(join(ROOT, dir, name), 'utf8')).map((resource) => ({
          file: `${dir}/${name}`,
          resource,
        })),
      ),
  );
}

export function readSkaffold(): Record<string, unknown> {
  return parse(readFileSync(join(ROOT, 'skaffold.yaml'), 'utf8')) as Record<string, unknown>;
}

// skaffold's published schema, kept here as test data (see schemas/README.md for its origin).
export const SKAFFOLD_SCHEMA_URL = new URL('./schemas/skaffold-v4beta13.json', import.meta.url);

export const byKind = (resources: readonly Resource[], kind: string): Resource[] =>
  resources.filter((r) => r.kind === kind);
