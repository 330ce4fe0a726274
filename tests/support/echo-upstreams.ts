// Stand-in app instances for mesh tests, all in one child process: each answers with its own name
// and what it received. A caller steers it per request: `x-echo-status: 503` answers that status,
// `x-echo-delay: 300` waits that many ms first. GET /__hits reports how many requests each took
// (counted when a request's headers arrive, before its body) and GET /__hosts their Host headers; each answer says how many body bytes
// arrived (`bodyBytes`).
//   node tests/support/echo-upstreams.ts '[{"name":"quiz-v1","port":41001}, …]'
import http from 'node:http';

const instances = JSON.parse(process.argv[2] ?? '[]') as { name: string; port: number }[];
const hits = new Map<string, number>();
/** The Host header of every request each instance took (GET /__hosts). */
const hosts = new Map<string, string[]>();

for (const { name, port } of instances) {
  http
    .createServer((req, res) => {
      if (req.url === '/__hits') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(Object.fromEntries(hits)));
        return;
      }
      if (req.url === '/__hosts') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(Object.fromEntries(hosts)));
        return;
      }
      hits.set(name, (hits.get(name) ?? 0) + 1);
      hosts.set(name, [...(hosts.get(name) ?? []), req.headers.host ?? '']);
      const status = Number(req.headers['x-echo-status'] ?? 200);
      // `x-echo-shadow-delay` slows only a mirror's shadow copy (Host `…-shadow`).
      const shadow = (req.headers.host ?? '').replace(/:\d+$/, '').endsWith('-shadow');
      const delay = Number(
        (shadow ? req.headers['x-echo-shadow-delay'] : undefined) ??
          req.headers['x-echo-delay'] ??
          0,
      );
      let bodyBytes = 0;
      req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      req.on('end', () => {
        setTimeout(() => {
          const body = JSON.stringify({
            instance: name,
            method: req.method,
            path: req.url,
            headers: req.headers,
            bodyBytes,
          });
          res.writeHead(status, { 'content-type': 'application/json' }).end(body);
        }, delay);
      });
    })
    .listen(port, '127.0.0.1');
}
process.stdout.write('ready\n');
process.on('disconnect', () => process.exit(0));
