// A config generation compiled for the data plane: built once per applied change, read by every
// request. Requests keep the generation they started with, so a change never disturbs one in flight.
import type { MeshConfig } from '../config/schema.ts';
import type { MeshTopology } from '../config/topology.ts';
import { buildRouteTable, type RouteTable } from '../routing/route-table.ts';
import { buildSubsetTable, type SubsetTable } from '../routing/subsets.ts';

export interface CompiledConfig {
  generation: number;
  config: MeshConfig;
  routes: RouteTable;
  clusters: SubsetTable;
  /** Telemetry's randomSamplingPercentage for traces the mesh starts (100 when none says). */
  samplingPercentage: number;
}

export function compileConfig(
  generation: number,
  config: MeshConfig,
  topology: MeshTopology,
): CompiledConfig {
  const sampling = config.telemetries
    .flatMap((telemetry) => telemetry.spec.tracing ?? [])
    .find((tracing) => tracing.randomSamplingPercentage !== undefined)?.randomSamplingPercentage;
  return {
    generation,
    config,
    routes: buildRouteTable(config, topology),
    clusters: buildSubsetTable(config, topology),
    samplingPercentage: sampling ?? 100,
  };
}
