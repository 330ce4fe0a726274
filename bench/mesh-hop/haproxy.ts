// HAProxy as the reference hop: one thread, the same 90/10 weighted split as the mesh, keep-alive
// on both sides. Debian's `haproxy` package; if it is missing, the column is skipped, never faked.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopChild, track, waitForPort } from './children.ts';
import type { MeshHandle, Upstreams } from './mesh-target.ts';

export const installHint = 'apt-get install -y haproxy';

/** `HAProxy version 2.6.12-1+deb12u4 …`, or undefined when `haproxy` is not on PATH. */
export async function haproxyVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('haproxy', ['-v']);
    return /version (\S+)/.exec(stdout)?.[1] ?? 'unknown';
  } catch {
    return undefined;
  }
}

export function haproxyConfig(port: number, upstreams: Upstreams): string {
  const v1 = new URL(upstreams.v1).host;
  const v3 = new URL(upstreams.v3).host;
  return `# written by bench/mesh-hop/haproxy.ts
global
    nbthread 1
    maxconn 4096

defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-keep-alive 120s
    timeout http-request 10s

frontend mesh_hop
    bind 127.0.0.1:${port}
    default_backend quiz

backend quiz
    # random(1): one weighted random draw per request, like Envoy's weighted clusters and the
    # other hops here (plain "random" draws two and takes the less loaded one).
    balance random(1)
    server v1 ${v1} weight 90
    server v3 ${v3} weight 10
`;
}

let setpriv: Promise<boolean> | undefined;

function hasSetpriv(): Promise<boolean> {
  setpriv ??= promisify(execFile)('setpriv', ['--version']).then(
    () => true,
    () => false,
  );
  return setpriv;
}

/** A port that was free a moment ago (HAProxy cannot bind port 0 and tell us which it got). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

async function startOnce(dir: string, upstreams: Upstreams, path: string): Promise<MeshHandle> {
  const port = await freePort();
  const config = join(dir, 'haproxy.cfg');
  await writeFile(config, haproxyConfig(port, upstreams));
  // -db: stay in the foreground, one process, so its pid is the one doing the proxying.
  const command = ['haproxy', '-f', config, '-db'];
  // setpriv execs haproxy in place (same pid) with a parent-death signal, so that HAProxy goes
  // away even if the benchmark is SIGKILLed and cannot clean up (forked Node children see their
  // IPC channel close instead).
  const [file = 'haproxy', ...args] = (await hasSetpriv())
    ? ['setpriv', '--pdeathsig', 'SIGTERM', '--', ...command]
    : command;
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk;
  });
  try {
    await waitForPort(port, 5000, () => child.exitCode === null && child.signalCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`haproxy did not start: ${String(error)}\n${stderr.trim()}`, { cause: error });
  }
  if (child.pid === undefined) throw new Error('haproxy has no pid');
  return {
    url: `http://127.0.0.1:${port}${path}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

export async function startHaproxy(upstreams: Upstreams, path: string): Promise<MeshHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'quizmesh-haproxy-'));
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  let lastError: unknown;
  // The free port can be taken between our probe and HAProxy's bind: try another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await startOnce(dir, upstreams, path);
      return {
        ...handle,
        stop: async () => {
          await handle.stop();
          await removeDir();
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  await removeDir();
  throw lastError;
}
