// `quizmesh route`: shifts a service's traffic between versions by rewriting the http routes of the
// VirtualService that routes it in mesh-config/. The whole resulting config is validated as the
// mesh would load it before anything is written, and the file is replaced atomically; a running
// local mode then applies it, and we wait to say whether it did.
import { formatFinding } from '../mesh/config/findings.ts';
import { planRoute, writeRoute } from '../mesh-client/routes/apply-route.ts';
import { quizmeshHome, type ApplyOutcome } from '../mesh-client/local-mesh.ts';
import {
  describeRouteRequest,
  parseRouteRequest,
  type RouteRequest,
} from '../mesh-client/routes/route-request.ts';
import { routesOf } from '../mesh-client/routes/route-summary.ts';
import type { RouteEdit } from '../mesh-client/routes/virtual-service-file.ts';
import { defineCommand, UsageError } from './arguments.ts';

const USAGE = `Usage: quizmesh route <service> <version>=<weight>… [--header NAME=VALUE:VERSION]… [options]

Sets which versions of <service> take its calls, by rewriting spec.http of the VirtualService that
routes <service> inside the mesh, in DIR (default: mesh-config). If no VirtualService routes it,
DIR/virtual-service-<service>.yaml is created. A running local mode applies the change within a
second; on a cluster, \`kubectl apply -f\` the file.

  quizmesh route quiz v1=90 v3=10
  quizmesh route quiz v1=100 --header x-quiz-player=alice:v3

The new spec.http holds one route per --header, in the order given (a call whose header NAME is
exactly VALUE goes to VERSION), then one route that splits every other call by weight. Weights are
whole numbers summing to 100; versions are subsets in the service's DestinationRule. The timeout
and retries of the old last route (when it takes every call) are kept; its fault, and every other
route, are replaced. Comments and everything else in the file are kept as they are.

Options:
  --header NAME=VALUE:VERSION  route calls with header NAME: VALUE to VERSION (repeatable)
  --config DIR                 the Istio resources to change (default: mesh-config)
  --dry-run                    print the new file and what changes; write nothing
  -h, --help                   show this help

Nothing is written unless all of DIR still validates as the local mesh loads it (see quizmesh
validate). The file is replaced atomically. When local mode is running (found through
QUIZMESH_HOME, default .quizmesh), waits up to 3 s for its mesh to apply the change.
Exit status: 0 written and in force (or nothing to change, or dry run), 1 refused by validation or
by the local mesh, or written but not applied by a running mesh within 3 s, 2 usage error.
`;

const APPLY_TIMEOUT_MS = 3_000;

export const command = defineCommand({
  usage: USAGE,
  options: {
    header: { type: 'string', multiple: true },
    config: { type: 'string', default: 'mesh-config' },
    'dry-run': { type: 'boolean', default: false },
  },
  positionals: true,
  run: ({ values, positionals: [service, ...weights] }) => {
    const asked = parseRouteRequest(service, weights, values.header ?? []);
    if (!asked.ok) throw new UsageError(asked.message);
    return route(asked.request, values.config, values['dry-run']);
  },
});

async function route(request: RouteRequest, dir: string, dryRunOnly: boolean): Promise<number> {
  const planned = planRoute(dir, request);
  for (const warning of planned.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (!planned.ok) return refused(planned.errors, planned.why);

  const { edit } = planned;
  const summary = `${request.service}: ${describeRouteRequest(request)} → ${planned.path}`;
  if (dryRunOnly) {
    process.stdout.write(dryRun(edit, planned.path));
    return 0;
  }
  const written = await writeRoute(planned, {
    home: quizmeshHome(),
    applyTimeoutMs: APPLY_TIMEOUT_MS,
  });
  switch (written.kind) {
    case 'unchanged':
      process.stdout.write(`${summary} (already so: nothing written)\n`);
      return 0;
    case 'unwritable':
      return refused([], written.message);
    case 'written':
      process.stdout.write(`${summary}\n`);
      return written.mesh === undefined
        ? 0
        : reportApply(written.mesh.applied, written.mesh.generationBefore, dir);
  }
}

function reportApply(outcome: ApplyOutcome, before: number, dir: string): number {
  switch (outcome.kind) {
    case 'applied':
      process.stdout.write(`applied by the local mesh (generation ${outcome.generation})\n`);
      return 0;
    case 'rejected':
      for (const error of outcome.errors) process.stderr.write(`${formatFinding(error, dir)}\n`);
      process.stderr.write(
        `quizmesh route: the local mesh refused the change; generation ${before} stays in force\n`,
      );
      return 1;
    case 'unconfirmed':
      process.stderr.write(
        `quizmesh route: written, but the local mesh did not apply it within ${APPLY_TIMEOUT_MS / 1000} s (generation ${outcome.generation} in force); does it watch ${dir}?\n`,
      );
      return 1;
  }
}

function dryRun(edit: RouteEdit, shown: string): string {
  const was = edit.created ? [] : routesOf(edit.previous);
  const what = edit.created ? `would create ${shown}` : `would change spec.http in ${shown}`;
  return [
    edit.after.trimEnd(),
    '',
    `dry run, nothing written; ${what}:`,
    ...was.map((line) => `  - ${line}`),
    ...routesOf(edit.next).map((line) => `  + ${line}`),
    '',
  ].join('\n');
}

function refused(lines: readonly string[], why = 'the config would not validate'): number {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.stderr.write(`quizmesh route: ${why}; nothing written\n`);
  return 1;
}
