// The AuthorizationPolicies allow exactly the calls the services make. The calls come from a real
// local run: rounds played through the site, then the mesh's istio_requests_total (reporter
// destination) gives caller → callee pairs, and each callee's own request metric gives the method
// and route it served. The k8s ServiceAccounts give the callers' principals. A new call without a
// policy fails here, and so does a policy for a call nobody makes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorizationPolicyResource } from '../../mesh/config/schema.ts';
import { authorize } from '../../mesh/routing/authz.ts';
import { startLocalMode, type RunningLocalMode } from '../support/local-mode.ts';
import { byKind, render, type Resource } from './rendered.ts';

const NAMESPACE = 'quiz';
const GATEWAY = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';
const UNMESHED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** The workloads inside the mesh; the trace store (Zipkin on a cluster) runs outside it. */
const MESHED_APPS = new Set(['frontend', 'quiz', 'images', 'descriptions', 'scores']);

interface Call {
  caller: string;
  callee: string;
}

let local: RunningLocalMode;
let observed: Call[] = [];
/** callee app → `METHOD route` it served. */
const served = new Map<string, Set<string>>();
let resources: Resource[] = [];

/** Labels of every sample of `metric` in Prometheus text. */
function samples(text: string, metric: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .map((line) => {
      const labels: Record<string, string> = {};
      for (const [, key, value] of line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        if (key !== undefined && value !== undefined) labels[key] = value;
      }
      return labels;
    });
}

async function playRounds(): Promise<void> {
  const site = local.state.siteUrl;
  const headers = { 'x-quiz-player': 'authz-test' };
  let answered = 0;
  for (let attempt = 0; attempt < 40 && answered < 3; attempt++) {
    const response = await fetch(`${site}/api/round`, { headers });
    const round = (await response.json()) as {
      id?: string;
      images?: { id: string; url: string }[];
    };
    if (response.status !== 200 || !round.id || !round.images?.[0]) continue;
    const image = await fetch(new URL(round.images[0].url, site));
    await image.arrayBuffer();
    const answer = await fetch(`${site}/api/round/${encodeURIComponent(round.id)}/answer`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ imageId: round.images[0].id }),
    });
    await answer.arrayBuffer();
    answered++;
  }
  await (await fetch(`${site}/api/leaderboard`)).arrayBuffer();
  assert.ok(answered > 0, 'no round could be played');
}

before(async () => {
  resources = render('k8s');
  local = await startLocalMode();
  await playRounds();
  const stats = await (await fetch(local.state.meshStatsUrl)).text();
  const pairs = samples(stats, 'istio_requests_total').filter((l) => l.reporter === 'destination');
  observed = [
    ...new Map(
      pairs.map((l) => {
        const call = { caller: l.source_workload ?? '', callee: l.destination_workload ?? '' };
        return [`${call.caller}→${call.callee}`, call] as const;
      }),
    ).values(),
  ];
  for (const workload of local.state.workloads.filter((w) => MESHED_APPS.has(w.app))) {
    const text = await (await fetch(`${workload.url}/metrics`)).text();
    const routes = served.get(workload.app) ?? new Set<string>();
    for (const l of samples(text, 'http_server_request_duration_seconds_count')) {
      if (l.route && !UNMESHED_ROUTES.has(l.route)) routes.add(`${l.method ?? ''} ${l.route}`);
    }
    served.set(workload.app, routes);
  }
});
after(async () => {
  await local.stop();
});

const deployment = (workload: string) =>
  byKind(resources, 'Deployment').find((d) => d.metadata.name === workload);
const podOf = (d: Resource) =>
  (
    d.spec as {
      template: {
        metadata: { labels: Record<string, string> };
        spec: { serviceAccountName: string };
      };
    }
  ).template;
const policies = () =>
  byKind(resources, 'AuthorizationPolicy') as unknown as AuthorizationPolicyResource[];

/** The caller's mTLS identity on the cluster: its Deployment's ServiceAccount, or the gateway. */
function principalOf(workload: string): string {
  const d = deployment(workload);
  if (d) return `cluster.local/ns/${NAMESPACE}/sa/${podOf(d).spec.serviceAccountName}`;
  assert.match(workload, /ingress/, `caller ${workload} is no Deployment and not the gateway`);
  return GATEWAY;
}
/** A concrete path for a route template: `/images/:id` → `/images/x`. */
const concrete = (route: string) => route.replace(/:[A-Za-z]+/g, 'x');

describe('authorization policies, against the calls of a local run', () => {
  it('the run saw the calls between the five services', () => {
    const apps = new Set(observed.map((c) => c.callee.replace(/-v\d+$/, '')));
    for (const app of MESHED_APPS) {
      assert.ok(apps.has(app), `no call to ${app} in ${JSON.stringify(observed)}`);
    }
  });

  it('every observed caller → callee is allowed for some route the callee served', () => {
    for (const { caller, callee } of observed) {
      const d = deployment(callee);
      assert.ok(d, `callee ${callee} has no Deployment`);
      const target = { namespace: NAMESPACE, labels: podOf(d).metadata.labels };
      const routes = [...(served.get(podOf(d).metadata.labels.app ?? '') ?? [])];
      const allowed = routes.some((r) => {
        const [method = '', route = ''] = r.split(' ');
        return authorize(policies(), target, {
          principal: principalOf(caller),
          method,
          path: concrete(route),
        }).allowed;
      });
      assert.ok(
        allowed,
        `${caller} → ${callee} is refused for every route of ${routes.join(', ')}`,
      );
    }
  });

  it('every ALLOW rule names only callers that the run saw calling that workload', () => {
    for (const policy of policies()) {
      const app = policy.spec.selector?.matchLabels.app;
      if (!app) continue; // allow-nothing
      const callers = new Set(
        observed.filter((c) => c.callee.startsWith(`${app}-`)).map((c) => principalOf(c.caller)),
      );
      for (const rule of policy.spec.rules ?? []) {
        for (const { source } of rule.from ?? []) {
          for (const principal of source.principals ?? []) {
            assert.ok(
              callers.has(principal),
              `${policy.metadata.name} allows ${principal}, who never called`,
            );
          }
        }
      }
    }
  });

  it('every route a service served to the mesh is allowed to one of its observed callers', () => {
    for (const [app, routes] of served) {
      const d = byKind(resources, 'Deployment').find((x) => podOf(x).metadata.labels.app === app);
      assert.ok(d);
      const target = { namespace: NAMESPACE, labels: podOf(d).metadata.labels };
      const callers = observed.filter((c) => c.callee.startsWith(`${app}-`)).map((c) => c.caller);
      for (const r of routes) {
        const [method = '', route = ''] = r.split(' ');
        const ok = callers.some(
          (caller) =>
            authorize(policies(), target, {
              principal: principalOf(caller),
              method,
              path: concrete(route),
            }).allowed,
        );
        assert.ok(ok, `${app} served ${r}, which no observed caller may call`);
      }
    }
  });
});
