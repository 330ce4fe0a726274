// The upstream every target ends at: answers any request at once with the same ~200-byte JSON
// body, so what the benchmark sees is the hop in front of it. Runs in its own process (forked by
// `startUpstream`), so its CPU does not share an event loop with the generator or the proxy.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitWithParent, forkReady, stopChild } from './children.ts';

export interface UpstreamCounts {
  answered: number;
  connections: number;
}

export interface Upstream {
  url: string;
  pid: number;
  /**
   * Requests answered and connections accepted since start: show that a weighted split really
   * split, and that the hop in front keeps its upstream connections alive.
   */
  counts(): Promise<UpstreamCounts>;
  stop(): Promise<void>;
}

export async function startUpstream(version: string): Promise<Upstream> {
  const { child, pid, port } = await forkReady(new URL(import.meta.url), [version]);
  let asked = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    counts: () =>
      new Promise<UpstreamCounts>((resolve, reject) => {
        const id = ++asked;
        const timer = setTimeout(() => {
          reject(new Error(`upstream ${version} did not answer`));
        }, 5000);
        const onMessage = (message: { type?: string; id?: number; counts?: UpstreamCounts }) => {
          if (message.type !== 'counts' || message.id !== id || !message.counts) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.counts);
        };
        child.on('message', onMessage);
        child.send({ type: 'counts?', id });
      }),
    stop: () => stopChild(child),
  };
}

function serve(version: string): void {
  const body = Buffer.from(
    JSON.stringify({
      service: 'quiz',
      version,
      round: {
        id: 'r-0000000000000000',
        description: 'A lighthouse on a rocky shore at dusk, its beam sweeping over the sea.',
        images: ['lighthouse', 'windmill', 'bridge', 'harbour'],
      },
    }),
  );
  const counts: UpstreamCounts = { answered: 0, connections: 0 };
  const server = createServer((req, res) => {
    counts.answered++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.on('connection', () => counts.connections++);
  // Longer than a whole run: an idle keep-alive connection must still be there for the next slice.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'ready', port });
  });
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message.type === 'counts?') process.send?.({ type: 'counts', id: message.id, counts });
  });
  exitWithParent();
}

if (import.meta.main) serve(process.argv[2] ?? 'v1');
