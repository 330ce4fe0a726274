// A reference reverse proxy in plain node:http: picks v1 or v3 at random, 90/10, and streams the
// request and the answer through a keep-alive agent. No metrics, no tracing: it is the floor a
// Node-based mesh hop starts from, and it checks the harness end to end before the mesh exists.
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitWithParent, forkReady, stopChild } from './children.ts';
import type { MeshHandle, Upstreams } from './mesh-target.ts';

export async function startNodeProxy(upstreams: Upstreams): Promise<MeshHandle> {
  const { child, pid, port } = await forkReady(new URL(import.meta.url), [
    upstreams.v1,
    upstreams.v3,
  ]);
  return { url: `http://127.0.0.1:${port}/round`, pid, stop: () => stopChild(child) };
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.has(name)) kept[name] = value;
  }
  return kept;
}

function serve(v1: URL, v3: URL): void {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });
  const server = createServer((req, res) => {
    const target = Math.random() < 0.9 ? v1 : v3;
    const upstream = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: endToEnd(req.headers),
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'ready', port });
  });
  exitWithParent();
}

if (import.meta.main) {
  const [v1, v3] = process.argv.slice(2);
  if (v1 === undefined || v3 === undefined) throw new Error('usage: node-proxy.ts V1_URL V3_URL');
  serve(new URL(v1), new URL(v3));
}
