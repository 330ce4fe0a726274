// A config generation compiled for the data plane: built once per applied change, read by every
// request. Requests keep the generation they started with, so a change never disturbs one in flight.
import type { AuthorizationPolicyResource, MeshConfig } from '../config/schema.ts';
import type { MeshInstance, MeshTopology } from '../config/topology.ts';
import { policiesFor } from '../routing/authz.ts';
import { mtlsModeFor, type MtlsMode } from '../routing/peer-auth.ts';
import { buildRouteTable, type RouteTable } from '../routing/route-table.ts';
import { buildSubsetTable, type SubsetTable } from '../routing/subsets.ts';

export interface CompiledConfig {
  generation: number;
  config: MeshConfig;
  routes: RouteTable;
  clusters: SubsetTable;
  /** Telemetry's randomSamplingPercentage for traces the mesh starts (100 when none says). */
  samplingPercentage: number;
  /** A destination's mTLS mode and the AuthorizationPolicies that apply to it, worked out once. */
  securityOf(instance: MeshInstance): WorkloadSecurity;
}

export interface WorkloadSecurity {
  mtls: MtlsMode;
  policies: AuthorizationPolicyResource[];
}

export function compileConfig(
  generation: number,
  config: MeshConfig,
  topology: MeshTopology,
): CompiledConfig {
  const sampling = config.telemetries
    .flatMap((telemetry) => telemetry.spec.tracing ?? [])
    .find((tracing) => tracing.randomSamplingPercentage !== undefined)?.randomSamplingPercentage;
  const security = new Map<string, WorkloadSecurity>();
  return {
    securityOf(instance) {
      let entry = security.get(instance.workload);
      if (!entry) {
        entry = {
          mtls: mtlsModeFor(config.peerAuthentications, instance),
          policies: policiesFor(config.authorizationPolicies, instance),
        };
        security.set(instance.workload, entry);
      }
      return entry;
    },
    generation,
    config,
    routes: buildRouteTable(config, topology),
    clusters: buildSubsetTable(config, topology),
    samplingPercentage: sampling ?? 100,
  };
}
