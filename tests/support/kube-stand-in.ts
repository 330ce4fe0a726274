// A stand-in on 127.0.0.1 for the Kubernetes API server, for what no test here can run: a cluster
// holding this repo's Istio routing as k8s/ deploys it (the VirtualServices and DestinationRules
// of mesh-config/'s top level, in namespace quiz). It answers their lists and applies JSON merge
// patches to VirtualServices as the API server does, and records every patch; a kubeconfig in a
// temporary folder points @kubernetes/client-node (and kubectl) at it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const MESH_CONFIG = fileURLToPath(new URL('../../mesh-config/', import.meta.url));
const API = '/apis/networking.istio.io/v1/namespaces/quiz';

export type Resource = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
};

export interface Patch {
  name: string;
  contentType: string | undefined;
  body: unknown;
}

export interface KubeStandIn {
  /** The API server's base URL. */
  url: string;
  /** A kubeconfig whose current context, `stand-in`, is this server: set KUBECONFIG to it. */
  kubeconfig: string;
  /** By name; patches change them in place. */
  virtualServices: Map<string, Resource>;
  destinationRules: Resource[];
  /** Every merge patch received, in order. */
  patches: Patch[];
  close(): Promise<void>;
}

/** The resources of `kind` in mesh-config/'s top-level files (`files`: only those). */
export function meshConfigResources(kind: string, files?: readonly string[]): Resource[] {
  const names = files ?? readdirSync(MESH_CONFIG).filter((name) => name.endsWith('.yaml'));
  return names.flatMap((file) =>
    parseAllDocuments(readFileSync(join(MESH_CONFIG, file), 'utf8'))
      .map((doc) => doc.toJS() as Resource)
      .filter((r) => r.kind === kind),
  );
}

const body = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
};

export async function startKubeStandIn(
  options: { virtualServiceFiles?: readonly string[] } = {},
): Promise<KubeStandIn> {
  const virtualServices = new Map(
    meshConfigResources('VirtualService', options.virtualServiceFiles).map((vs) => [
      vs.metadata.name,
      vs,
    ]),
  );
  const destinationRules = meshConfigResources('DestinationRule');
  const patches: Patch[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://x');
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.method === 'GET' && url.pathname === `${API}/virtualservices`) {
        json(200, { kind: 'VirtualServiceList', items: [...virtualServices.values()] });
        return;
      }
      if (request.method === 'GET' && url.pathname === `${API}/destinationrules`) {
        json(200, { kind: 'DestinationRuleList', items: destinationRules });
        return;
      }
      const patched = new RegExp(`^${API}/virtualservices/([^/]+)$`).exec(url.pathname);
      const target = patched?.[1] === undefined ? undefined : virtualServices.get(patched[1]);
      if (request.method === 'PATCH' && target !== undefined) {
        const patch = JSON.parse(await body(request)) as { spec: Record<string, unknown> };
        patches.push({
          name: target.metadata.name,
          contentType: request.headers['content-type'],
          body: patch,
        });
        // A merge patch replaces a list whole: spec.http is the new one.
        target.spec = { ...target.spec, ...patch.spec };
        json(200, target);
        return;
      }
      json(404, { kind: 'Status', status: 'Failure', reason: 'NotFound' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-kube-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // Plain HTTP on loopback, as through `kubectl proxy`: the client wants this said outright.
      clusters: [{ name: 'stand-in', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'tester', user: { token: 'not-a-secret' } }],
      contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'tester' } }],
      'current-context': 'stand-in',
    }),
  );
  return {
    url,
    kubeconfig,
    virtualServices,
    destinationRules,
    patches,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
