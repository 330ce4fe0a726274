// The pieces name each other: Istio routes name Services and subsets, subsets select Deployments,
// Deployments run images skaffold builds as service accounts that exist, on the port and health
// paths the code serves.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { byKind, OVERLAYS, readSkaffold, render, ROOT, type Resource } from './rendered.ts';

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string | number } };
  livenessProbe?: { httpGet: { path: string; port: string | number } };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { serviceAccountName?: string; containers: Container[] };
}
const podOf = (d: Resource) => (d.spec as { template: PodTemplate }).template;
const QUIZ_APPS = ['frontend', 'quiz', 'images', 'descriptions', 'scores'];

const rendered = new Map<string, Resource[]>();
before(() => {
  for (const dir of OVERLAYS) rendered.set(dir, render(dir));
});
const each = (check: (resources: Resource[], dir: string) => void) => () => {
  for (const [dir, resources] of rendered) check(resources, dir);
};

const serviceNames = (resources: Resource[]) =>
  new Set(byKind(resources, 'Service').map((s) => s.metadata.name));
const shortHost = (host: string) => host.split('.')[0] ?? host;

describe('cross-references in every overlay', () => {
  it(
    'every VirtualService destination and mesh host has a Service',
    each((resources, dir) => {
      const services = serviceNames(resources);
      for (const vs of byKind(resources, 'VirtualService')) {
        const spec = vs.spec as {
          hosts: string[];
          gateways?: string[];
          http: { route: { destination: { host: string } }[] }[];
        };
        if (!spec.gateways) {
          for (const host of spec.hosts)
            assert.ok(services.has(shortHost(host)), `${dir}: ${host}`);
        }
        for (const route of spec.http.flatMap((h) => h.route)) {
          const host = shortHost(route.destination.host);
          assert.ok(services.has(host), `${dir}: VirtualService/${vs.metadata.name} → ${host}`);
        }
      }
    }),
  );

  it(
    'every subset a route uses selects a Deployment named <app>-<version>',
    each((resources, dir) => {
      const deployments = byKind(resources, 'Deployment');
      const routed = new Set(
        byKind(resources, 'VirtualService').flatMap((vs) =>
          (
            vs.spec as { http: { route: { destination: { host: string; subset: string } }[] }[] }
          ).http
            .flatMap((h) => h.route)
            .map((r) => `${shortHost(r.destination.host)}/${r.destination.subset}`),
        ),
      );
      for (const dr of byKind(resources, 'DestinationRule')) {
        const spec = dr.spec as { host: string; subsets: { name: string; labels: object }[] };
        for (const subset of spec.subsets) {
          const selects = deployments.filter((d) => {
            const labels = podOf(d).metadata.labels;
            return (
              labels.app === spec.host &&
              Object.entries(subset.labels).every(([k, v]) => labels[k] === v)
            );
          });
          const key = `${spec.host}/${subset.name}`;
          // A subset may be idle (quiz v2 in the bug profile); a routed one may not.
          if (routed.has(key)) assert.ok(selects.length > 0, `${dir}: routed subset ${key}`);
        }
      }
      for (const app of QUIZ_APPS) {
        for (const d of deployments.filter((x) => podOf(x).metadata.labels.app === app)) {
          const { version } = podOf(d).metadata.labels;
          assert.equal(
            d.metadata.name,
            `${app}-${String(version)}`,
            `${dir}: name <app>-<version>`,
          );
        }
      }
    }),
  );

  it(
    'every quiz service runs an image that a skaffold artifact builds',
    each((resources, dir) => {
      const artifacts = new Set(
        (readSkaffold().build as { artifacts: { image: string }[] }).artifacts.map((a) => a.image),
      );
      for (const d of byKind(resources, 'Deployment')) {
        for (const c of podOf(d).spec.containers) {
          if (artifacts.has(c.image)) continue;
          assert.ok(
            !podOf(d).metadata.labels.app ||
              !QUIZ_APPS.includes(String(podOf(d).metadata.labels.app)),
            `${dir}: ${d.metadata.name} runs ${c.image}, which skaffold does not build`,
          );
        }
      }
    }),
  );

  it(
    'every serviceAccountName exists',
    each((resources, dir) => {
      const accounts = new Set(byKind(resources, 'ServiceAccount').map((s) => s.metadata.name));
      for (const d of byKind(resources, 'Deployment')) {
        const name = podOf(d).spec.serviceAccountName;
        assert.ok(name && accounts.has(name), `${dir}: ${d.metadata.name} runs as ${String(name)}`);
      }
    }),
  );

  it(
    'quiz services listen on 8080 named http, probed on /healthz and /readyz, which the kit serves',
    each((resources, dir) => {
      const kit = readFileSync(`${ROOT}/services/kit/service.ts`, 'utf8');
      assert.match(kit, /app\.get\('\/healthz'/);
      assert.match(kit, /app\.get\('\/readyz'/);
      for (const d of byKind(resources, 'Deployment')) {
        const app = String(podOf(d).metadata.labels.app);
        if (!QUIZ_APPS.includes(app)) continue;
        const [c] = podOf(d).spec.containers;
        assert.ok(c);
        assert.deepEqual(c.args, [`services/${app}/main.ts`], `${dir}: ${d.metadata.name} entry`);
        assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080 }]);
        assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
        assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
      }
      for (const app of QUIZ_APPS) {
        const svc = byKind(resources, 'Service').find((s) => s.metadata.name === app);
        assert.deepEqual((svc?.spec as { ports: unknown }).ports, [
          { name: 'http', port: 8080, targetPort: 'http' },
        ]);
      }
      const env = byKind(resources, 'ConfigMap').find((c) =>
        c.metadata.name.startsWith('service-env'),
      );
      const data = env?.data as Record<string, string>;
      assert.equal(data.PORT, '8080');
      assert.equal(data.HOST, '0.0.0.0');
    }),
  );

  it(
    'namespace quiz has sidecar injection, and all but mesh-wide Telemetry and gateway discovery live in it',
    each((resources, dir) => {
      const ns = byKind(resources, 'Namespace').find((n) => n.metadata.name === 'quiz');
      assert.equal(ns?.metadata.labels?.['istio-injection'], 'enabled');
      for (const r of resources) {
        if (r.kind === 'Namespace') continue;
        const inIstioSystem =
          r.kind === 'Telemetry' || r.metadata.name === 'prometheus-gateway-discovery';
        const expected = inIstioSystem ? 'istio-system' : 'quiz';
        assert.equal(r.metadata.namespace, expected, `${dir}: ${r.kind}/${r.metadata.name}`);
      }
    }),
  );

  it('the profiles run the quiz versions of the story', () => {
    const versions = (dir: string) =>
      byKind(rendered.get(dir) ?? [], 'Deployment')
        .map((d) => d.metadata.name)
        .filter((n) => n.startsWith('quiz-'))
        .sort();
    assert.deepEqual(versions('k8s'), ['quiz-v1', 'quiz-v2', 'quiz-v3']);
    assert.deepEqual(versions('k8s/overlays/bug'), ['quiz-v1']);
    assert.deepEqual(versions('k8s/overlays/canary'), ['quiz-v1', 'quiz-v3']);
    assert.deepEqual(versions('k8s/overlays/fixed'), ['quiz-v3']);
    const profiles = (
      readSkaffold().profiles as { name: string; patches: { value: string }[] }[]
    ).map((p) => [p.name, p.patches[0]?.value]);
    assert.deepEqual(profiles, [
      ['bug', 'k8s/overlays/bug'],
      ['canary', 'k8s/overlays/canary'],
      ['fixed', 'k8s/overlays/fixed'],
    ]);
  });
});

describe('grafana', () => {
  const dir = (path: string) => `${ROOT}/grafana/${path}`;

  it('every provisioning file and dashboard of grafana/ is in a generated ConfigMap', (t) => {
    if (!existsSync(dir('dashboards'))) {
      t.skip('grafana/dashboards/ does not exist yet: nothing to provision');
      return;
    }
    const configMaps = byKind(rendered.get('k8s') ?? [], 'ConfigMap');
    const keysOf = (prefix: string) =>
      Object.keys(
        configMaps.find((c) => c.metadata.name.startsWith(`${prefix}-`))?.data ?? {},
      ).sort();
    const filesIn = (path: string, ext: string) =>
      readdirSync(dir(path))
        .filter((f) => f.endsWith(ext))
        .sort();
    assert.deepEqual(keysOf('grafana-dashboards'), filesIn('dashboards', '.json'));
    assert.deepEqual(keysOf('grafana-datasources'), filesIn('provisioning/datasources', '.yaml'));
    assert.deepEqual(
      keysOf('grafana-dashboard-providers'),
      filesIn('provisioning/dashboards', '.yaml'),
    );
  });

  it('dashboards are mounted where the provider loads them, datasources name our Services', () => {
    const providers = readFileSync(dir('provisioning/dashboards/dashboards.yaml'), 'utf8');
    const path = /path:\s*(\S+)/.exec(providers)?.[1];
    const grafana = byKind(rendered.get('k8s') ?? [], 'Deployment').find(
      (d) => d.metadata.name === 'grafana',
    );
    const mounts = JSON.stringify(grafana?.spec);
    assert.ok(path && mounts.includes(`"mountPath":"${path}"`), `no volume mounted at ${path}`);
    const datasources = readFileSync(dir('provisioning/datasources/datasources.yaml'), 'utf8');
    const services = byKind(rendered.get('k8s') ?? [], 'Service');
    for (const [, host, port] of datasources.matchAll(/url:\s*https?:\/\/([\w-]+):(\d+)/g)) {
      const service = services.find((s) => s.metadata.name === host);
      const ports = (service?.spec as { ports: { port: number }[] } | undefined)?.ports ?? [];
      assert.ok(
        ports.some((p) => p.port === Number(port)),
        `datasource ${String(host)}:${String(port)}`,
      );
    }
  });

  it("the Prometheus datasource's timeInterval is the cluster Prometheus's scrape interval", () => {
    // Grafana sizes $__rate_interval from timeInterval; smaller than the real interval, rate()
    // windows hold one sample and every rate panel is empty.
    const datasources = parse(
      readFileSync(dir('provisioning/datasources/datasources.yaml'), 'utf8'),
    ) as { datasources: { type: string; jsonData?: { timeInterval?: string } }[] };
    const prometheus = datasources.datasources.find((d) => d.type === 'prometheus');
    const config = parse(readFileSync(`${ROOT}/k8s/base/observability/prometheus.yml`, 'utf8')) as {
      global: { scrape_interval: string };
    };
    assert.equal(prometheus?.jsonData?.timeInterval, config.global.scrape_interval);
  });
});
