// A stand-in Prometheus for `quizmesh canary` tests where no mesh emits Istio's metrics (a cluster
// API server with no pods behind it): it answers every instant query with figures of a healthy
// canary for quiz v1 and v3 (100 requests, 30 of them in the window, p99 42 ms), and records them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CanaryPrometheus {
  url: string;
  queries: string[];
  close(): void;
}

export async function startCanaryPrometheus(): Promise<CanaryPrometheus> {
  const queries: string[] = [];
  const server: Server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    queries.push(query);
    const value = query.startsWith('histogram_quantile')
      ? '42'
      : query.includes('increase(')
        ? '30'
        : '100';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: ['quiz-v1', 'quiz-v3'].map((workload) => ({
            metric: { destination_workload: workload },
            value: [Date.now() / 1000, value],
          })),
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { url, queries, close: () => server.close() };
}
