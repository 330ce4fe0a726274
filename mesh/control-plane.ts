// The control plane: loads mesh-config/, validates it, and hands the data plane a snapshot. It
// watches the folder and applies a change within a second; a change that does not validate is
// refused with file, field and reason, and the snapshot in force stays.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../services/kit/logger.ts';
import { loadMeshConfig, type Finding } from './config/load.ts';
import type { MeshConfig } from './config/schema.ts';
import type { MeshTopology } from './config/topology.ts';

export interface ConfigSnapshot {
  generation: number;
  appliedAt: string;
  config: MeshConfig;
}

export interface ControlPlaneStatus {
  /** The snapshot in force. */
  generation: number;
  appliedAt: string;
  warnings: Finding[];
  /** Why the last change was refused, while it stays refused. */
  rejected?: { at: string; errors: Finding[] };
}

export interface ControlPlane {
  current(): ConfigSnapshot;
  status(): ControlPlaneStatus;
  /** Reloads now; resolves true when the change was applied. */
  reload(): boolean;
  onApply(listener: (snapshot: ConfigSnapshot) => void): void;
  close(): void;
}

const DEBOUNCE_MS = 150;

/** Loads `dir` or throws with every finding, so the mesh never starts on a bad config. */
export function startControlPlane(
  dir: string,
  topology: MeshTopology,
  log: Pick<Logger, 'info' | 'warn'>,
): ControlPlane {
  const first = loadMeshConfig(dir, topology);
  if (!first.ok) throw new Error(`mesh-config refused:\n${formatFindings(first.errors)}`);
  let snapshot: ConfigSnapshot = {
    generation: 1,
    appliedAt: new Date().toISOString(),
    config: first.config,
  };
  let status: ControlPlaneStatus = {
    generation: 1,
    appliedAt: snapshot.appliedAt,
    warnings: first.warnings,
  };
  const listeners: ((snapshot: ConfigSnapshot) => void)[] = [];

  const reload = (): boolean => {
    const result = loadMeshConfig(dir, topology);
    if (!result.ok) {
      status = { ...status, rejected: { at: new Date().toISOString(), errors: result.errors } };
      log.warn(
        `mesh-config change refused, generation ${snapshot.generation} stays in force:\n${formatFindings(result.errors)}`,
      );
      return false;
    }
    snapshot = {
      generation: snapshot.generation + 1,
      appliedAt: new Date().toISOString(),
      config: result.config,
    };
    status = {
      generation: snapshot.generation,
      appliedAt: snapshot.appliedAt,
      warnings: result.warnings,
    };
    for (const listener of listeners) listener(snapshot);
    log.info(`mesh-config generation ${snapshot.generation} applied`);
    return true;
  };

  let timer: NodeJS.Timeout | undefined;
  // Editors save in several steps (truncate, write, rename): wait for the folder to settle.
  const watcher: FSWatcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, DEBOUNCE_MS);
  });

  return {
    current: () => snapshot,
    status: () => status,
    reload,
    onApply: (listener) => listeners.push(listener),
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `  ${[f.file, f.resource, f.field].filter(Boolean).join(': ')}: ${f.reason}`)
    .join('\n');
}
