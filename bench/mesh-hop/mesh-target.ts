// The seam between this benchmark and the local mesh: `mesh-process.ts` starts one mesh process
// for the hop; this file checks what it hands back, so a broken hop fails loudly.
import { startMeshForBench } from './mesh-process.ts';

/** Base URLs of the two upstream versions, like `http://127.0.0.1:40123` (no trailing slash). */
export interface Upstreams {
  v1: string;
  v3: string;
}

export interface MeshHandle {
  /**
   * The URL the load generator GETs for every request, like `http://127.0.0.1:40125/round`: a
   * listener on 127.0.0.1 that routes 90 % of requests to `v1` and 10 % to `v3`. The generator
   * sends no other headers than Host (taken from this URL), so if the hop routes by host, give
   * the bench its own listener, as an Envoy outbound listener per service port would. HTTP/1.1
   * keep-alive on both sides; the generator holds `--connections` (16) open (re-opened before
   * each measured slice if the hop closed them).
   */
  url: string;
  /**
   * The process that does the proxying, started for the bench and not the benchmark's own (the
   * hop must not share an event loop with it): its CPU time per request is reported (read from
   * /proc/<pid>/stat), and it is SIGKILLed if the benchmark is interrupted before `stop` returns.
   */
  pid: number;
  /** Stops the hop; resolves once its process has exited. */
  stop(): Promise<void>;
}

export interface MeshUnderTest {
  start(upstreams: Upstreams): Promise<MeshHandle>;
}

function asHandle(value: unknown): MeshHandle {
  const handle = value as Partial<MeshHandle> | null;
  if (
    typeof handle?.url !== 'string' ||
    !Number.isInteger(handle.pid) ||
    typeof handle.stop !== 'function'
  ) {
    throw new Error('startMeshForBench must resolve to { url: string; pid: number; stop() }');
  }
  if (handle.pid === process.pid) {
    throw new Error(
      'startMeshForBench must run the hop in a process of its own, not the benchmark',
    );
  }
  return handle as MeshHandle;
}

export const localMesh: MeshUnderTest = {
  async start(upstreams) {
    return asHandle(await startMeshForBench(upstreams));
  },
};
