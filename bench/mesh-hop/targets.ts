// The hops under test, each started in its own process: HAProxy, the reference Node proxy and
// the local mesh, plus the direct call they are compared with. A hop that cannot start gets a
// reason instead of numbers.
import { trackPid } from './children.ts';
import { haproxyVersion, installHint, startHaproxy } from './haproxy.ts';
import { localMesh, type MeshHandle, type Upstreams } from './mesh-target.ts';
import { startNodeProxy } from './node-proxy.ts';
import type { Upstream } from './upstream.ts';

export interface Target {
  name: string;
  /** Undefined: no numbers for this target, for the reason in `unavailable`. */
  handle?: MeshHandle;
  unavailable?: string;
  detail?: string;
  /** Talks to v1 only (the direct call), so the v3 share means nothing. */
  v1Only?: boolean;
}

export type LiveTarget = Target & { handle: MeshHandle };

/**
 * Starts every target; `onStarted` gets each started hop's stop. Sets a failing exit code when a
 * hop that should run (HAProxy installed, mesh wired) fails to start.
 */
export async function startTargets(
  upstreams: Upstreams,
  v1: Upstream,
  path: string,
  onStarted: (stop: () => Promise<void>) => void,
): Promise<Target[]> {
  const targets: Target[] = [
    {
      name: 'direct',
      handle: { url: `${v1.url}${path}`, pid: v1.pid, stop: () => Promise.resolve() },
      v1Only: true,
    },
  ];
  const started = async (name: string, start: () => Promise<MeshHandle>): Promise<Target> => {
    const handle = await start();
    onStarted(() => handle.stop());
    return { name, handle };
  };

  const haproxy = await haproxyVersion();
  if (haproxy === undefined) {
    targets.push({ name: 'haproxy', unavailable: 'not installed', detail: installHint });
    process.stdout.write(
      `haproxy is not installed: install it with \`${installHint}\` to get the haproxy column\n`,
    );
  } else {
    targets.push(
      await started('haproxy', () => startHaproxy(upstreams, path)).catch((error: unknown) => {
        process.exitCode = 1;
        return { name: 'haproxy', unavailable: 'failed to start', detail: String(error) };
      }),
    );
  }
  targets.push(await started('node-proxy', () => startNodeProxy(upstreams)));
  targets.push(
    await started('mesh', async () => {
      const handle = await localMesh.start(upstreams);
      const untrack = trackPid(handle.pid);
      return {
        ...handle,
        stop: async () => {
          await handle.stop();
          untrack();
        },
      };
    }).catch((error: unknown) => {
      process.exitCode = 1;
      return { name: 'mesh', unavailable: 'failed to start', detail: String(error) };
    }),
  );
  return targets;
}
