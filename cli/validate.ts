// `quizmesh validate`: checks mesh-config/ as the local mesh would load it, and, with --scenarios,
// each scenario file in the place of the resource it replaces, against the services and versions
// local mode runs. Errors first, then warnings, then one line with the verdict.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { declaredMeshTopology } from '../local/mesh-topology.ts';
import { analyzeMeshConfig } from '../mesh/config/analyze.ts';
import { isMeshConfigFile } from '../mesh/config/config-files.ts';
import { formatFinding, type Finding } from '../mesh/config/findings.ts';
import { loadMeshConfig, type LoadResult } from '../mesh/config/load.ts';
import type { MeshConfig } from '../mesh/config/schema.ts';
import { defineCommand, UsageError } from './arguments.ts';

const USAGE = `Usage: quizmesh validate [DIR] [--scenarios]

Checks the Istio resources in DIR (default: mesh-config) as the local mesh loads them: the
top-level *.yaml files, against Istio's schema, the fields the local mesh supports, and the
services and versions local mode runs (frontend, quiz v1/v2/v3, images, descriptions, scores).
Then warns about likely mistakes, as istioctl analyze would.

Options:
  --scenarios   also check each file in DIR/scenarios/ in place of the resources it replaces
  -h, --help    show this help

Prints one line per problem (file: Kind/name: field: reason), warnings after errors, then a
verdict. Exit status: 0 valid (warnings allowed), 1 errors, 2 usage error.
`;

interface Check {
  /** The scenario checked in place, or undefined for the config in force. */
  scenario?: string;
  result: LoadResult;
  warnings: Finding[];
}

export const command = defineCommand({
  usage: USAGE,
  options: { scenarios: { type: 'boolean' } },
  positionals: true,
  run: ({ values, positionals }) => {
    if (positionals.length > 1) throw new UsageError('give at most one folder');
    return validate(positionals[0] ?? 'mesh-config', values.scenarios === true);
  },
});

function validate(dir: string, withScenarios: boolean): number {
  const topology = declaredMeshTopology();
  const check = (scenario?: string): Check => {
    const result = loadMeshConfig(dir, topology, {
      ...(scenario !== undefined && { substitute: [path.join(dir, scenario)] }),
    });
    const analysis = result.ok ? analyzeMeshConfig(result.config, topology) : [];
    return { ...(scenario !== undefined && { scenario }), result, warnings: analysis };
  };
  const checks = [check()];
  const missing: Finding[] = [];
  if (withScenarios) {
    const scenarios = scenarioFiles(dir);
    if (scenarios.length === 0) {
      missing.push({
        file: 'scenarios',
        reason: `no scenario files in ${path.join(dir, 'scenarios')}`,
      });
    }
    checks.push(...scenarios.map((file) => check(file)));
  }

  const errors = unique([
    ...missing.map((f) => formatFinding(f, dir)),
    ...checks.flatMap((c) => (c.result.ok ? [] : c.result.errors.map((f) => line(f, dir, c)))),
  ]);
  const warnings = unique(
    checks.flatMap((c) => [...c.result.warnings, ...c.warnings].map((f) => line(f, dir, c))),
  );
  for (const text of errors) process.stdout.write(`${text}\n`);
  for (const text of warnings) process.stdout.write(`warning: ${text}\n`);
  process.stdout.write(`${verdict(dir, checks, errors.length, warnings.length)}\n`);
  return errors.length > 0 ? 1 : 0;
}

function scenarioFiles(dir: string): string[] {
  try {
    return readdirSync(path.join(dir, 'scenarios'))
      .filter(isMeshConfigFile)
      .sort()
      .map((name) => `scenarios/${name}`);
  } catch {
    return [];
  }
}

/** A finding, saying which scenario was in place when it is not in the scenario's own file. */
function line(finding: Finding, dir: string, check: Check): string {
  const text = formatFinding(finding, dir);
  if (check.scenario === undefined || finding.file === check.scenario) return text;
  return `${text} (with ${path.join(dir, check.scenario)} in place)`;
}

const unique = (lines: readonly string[]): string[] => [...new Set(lines)];

function verdict(dir: string, checks: readonly Check[], errors: number, warnings: number): string {
  const warned = `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
  const scenarios = checks.length - 1;
  if (errors > 0) {
    const failed = checks.filter((c) => !c.result.ok).length;
    const of = scenarios > 0 ? ` (${failed} of ${checks.length} checks failed)` : '';
    return `${dir}: refused: ${errors} ${errors === 1 ? 'error' : 'errors'}${of}, ${warned}`;
  }
  const [first] = checks;
  const config: MeshConfig | undefined =
    first?.result.ok === true ? first.result.config : undefined;
  const resources: readonly { source: { file: string } }[] =
    config === undefined ? [] : Object.values(config).flat<MeshConfig[keyof MeshConfig][]>();
  const files = new Set(resources.map((r) => r.source.file)).size;
  const alsoScenarios =
    scenarios > 0 ? `, and ${scenarios} scenario${scenarios === 1 ? '' : 's'} each in place` : '';
  return `${dir}: valid: ${resources.length} resources in ${files} files${alsoScenarios}; ${warned}`;
}
