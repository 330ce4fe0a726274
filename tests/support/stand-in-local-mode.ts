// A stand-in for a running local mode: one HTTP server playing the mesh's admin and stats
// endpoints, and a QUIZMESH_HOME whose runtime state points at it, so CLI commands find it.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRuntimeState } from '../../local/runtime-state.ts';

export interface StandIn {
  home: string;
  close: () => Promise<void>;
}

export async function standInLocalMode(handler: http.RequestListener): Promise<StandIn> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const home = mkdtempSync(path.join(tmpdir(), 'quizmesh-home-'));
  writeRuntimeState(home, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    siteUrl: url,
    zipkinUrl: '',
    meshStatsUrl: `${url}/stats/prometheus`,
    meshAdminUrl: url,
    workloads: [],
  });
  return {
    home,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
