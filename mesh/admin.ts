// Envoy-style endpoints of the local mesh: Prometheus stats on their own port (15090 by default,
// /stats/prometheus), and an admin port with readiness and what is in force (15000 by default).
import http from 'node:http';
import type { ControlPlane } from './control-plane.ts';
import type { IstioMetrics } from './telemetry/istio-metrics.ts';

export function statsHandler(metrics: IstioMetrics): http.RequestListener {
  return (req, res) => {
    if (req.url !== '/stats/prometheus' && req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /stats/prometheus\n');
      return;
    }
    metrics.registry
      .metrics()
      .then((text) =>
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      )
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  };
}

export function adminHandler(
  controlPlane: ControlPlane,
  extra: () => Record<string, unknown>,
): http.RequestListener {
  return (req, res) => {
    const json = (status: number, body: unknown): void => {
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(body, null, 2)}\n`);
    };
    switch (req.url) {
      case '/ready': // Envoy's admin answers LIVE
        json(200, { status: 'LIVE' });
        return;
      case '/readyz':
      case '/healthz': // as every quizmesh process answers them
        json(200, { status: 'ok' });
        return;
      case '/config_dump':
        json(200, { status: controlPlane.status(), config: controlPlane.current().config });
        return;
      case '/status':
        json(200, { ...controlPlane.status(), ...extra() });
        return;
      default:
        json(404, { error: 'try /ready, /status or /config_dump' });
    }
  };
}
