// The control plane: loads mesh-config/, validates it, and hands the data plane a snapshot. It
// watches the folder and applies a change within a second; a change that does not validate is
// refused with file, field and reason, and the snapshot in force stays. Loading runs on a worker
// thread (config/config-loader.ts), so the proxy answers while a large config is read. Each
// applied config is kept on disk: a mesh restarted while the folder holds a refused change starts
// with it, and reports the refusal as a running mesh would.
import type { Logger } from '../services/kit/logger.ts';
import { startConfigLoader, type LoadReply, type LoadRequest } from './config/config-loader.ts';
import { watchFolder } from './config/folder-watcher.ts';
import type { LastGoodStore } from './config/last-good.ts';
import type { Finding, MeshSource } from './config/load.ts';
import { reloadSchedule } from './config/reload-schedule.ts';
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
  /** A load under way, on the loader's thread. */
  loading?: { since: string };
}

export interface ControlPlane {
  current(): ConfigSnapshot;
  status(): ControlPlaneStatus;
  /** Reloads now; resolves true when the folder's config is the one in force. */
  reload(): Promise<boolean>;
  onApply(listener: (snapshot: ConfigSnapshot) => void): void;
  close(): Promise<void>;
}

export interface ControlPlaneOptions {
  dir: string;
  topology: MeshTopology;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Where this run keeps the last config applied; without it, nothing survives a restart. */
  lastGood?: LastGoodStore;
}

type Log = ControlPlaneOptions['log'];

interface InForce {
  snapshot: ConfigSnapshot;
  status: ControlPlaneStatus;
  sources: MeshSource[];
}

/**
 * Loads the folder, else this run's last good config (reporting the folder's refusal); throws with
 * every finding when neither will do, so the mesh never starts on a bad config.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const loader = startConfigLoader(options.topology);
  let state: InForce;
  try {
    state = await firstConfig(options, (request) => loader.load(request));
  } catch (error) {
    await loader.close();
    throw error;
  }
  const listeners: ((snapshot: ConfigSnapshot) => void)[] = [];
  const apply = (reply: Extract<LoadReply, { ok: true }>): void => {
    state = applied(state.snapshot.generation + 1, reply);
    keep(options, state);
    for (const listener of listeners) listener(state.snapshot);
    options.log.info(`mesh-config generation ${state.snapshot.generation} applied`);
  };
  const loadOnce = async (): Promise<boolean> => {
    state.status = { ...state.status, loading: { since: new Date().toISOString() } };
    const reply = await loader.load({ kind: 'folder', dir: options.dir });
    delete state.status.loading;
    if (!reply.ok) {
      refuse(state, reply.errors, options.log);
      return false;
    }
    // The same files as in force (a replaced folder, a touch): nothing new to apply.
    if (sameSources(reply.sources, state.sources)) {
      state.status = { ...state.status, warnings: reply.warnings };
      delete state.status.rejected;
      return true;
    }
    apply(reply);
    return true;
  };
  const reload = serialized(loadOnce);
  const schedule = reloadSchedule(() => void reload());
  const watcher = watchFolder(options.dir, () => {
    schedule.changed();
  });
  return {
    current: () => state.snapshot,
    status: () => state.status,
    reload,
    onApply: (listener) => listeners.push(listener),
    async close() {
      schedule.cancel();
      watcher.close();
      await loader.close();
    },
  };
}

async function firstConfig(
  options: ControlPlaneOptions,
  load: (request: LoadRequest) => Promise<LoadReply>,
): Promise<InForce> {
  const kept = options.lastGood?.read();
  const folder = await load({ kind: 'folder', dir: options.dir });
  if (folder.ok) {
    const state = applied((kept?.generation ?? 0) + 1, folder);
    keep(options, state);
    return state;
  }
  if (kept === undefined) throw new Error(`mesh-config refused:\n${formatFindings(folder.errors)}`);
  const previous = await load({ kind: 'sources', sources: kept.sources, label: options.dir });
  if (!previous.ok) {
    throw new Error(
      `mesh-config refused, and the last good config no longer loads:\n${formatFindings(folder.errors)}\n${formatFindings(previous.errors)}`,
    );
  }
  const state = applied(kept.generation, previous, kept.appliedAt);
  options.log.warn(`restarted with the last good config (generation ${kept.generation})`);
  refuse(state, folder.errors, options.log);
  return state;
}

function applied(
  generation: number,
  reply: Extract<LoadReply, { ok: true }>,
  appliedAt = new Date().toISOString(),
): InForce {
  return {
    snapshot: { generation, appliedAt, config: reply.config },
    status: { generation, appliedAt, warnings: reply.warnings },
    sources: reply.sources,
  };
}

function refuse(state: InForce, errors: Finding[], log: Log): void {
  state.status = { ...state.status, rejected: { at: new Date().toISOString(), errors } };
  log.warn(
    `mesh-config change refused, generation ${state.snapshot.generation} stays in force:\n${formatFindings(errors)}`,
  );
}

function keep(options: ControlPlaneOptions, state: InForce): void {
  try {
    options.lastGood?.write({
      generation: state.snapshot.generation,
      appliedAt: state.snapshot.appliedAt,
      sources: state.sources,
    });
  } catch (error) {
    // In force all the same; only a restart would miss it.
    options.log.warn(`cannot keep the last good config: ${String(error)}`);
  }
}

/** One run at a time; calls during a run share one more run after it, so the last change wins. */
function serialized(run: () => Promise<boolean>): () => Promise<boolean> {
  let running: Promise<boolean> | undefined;
  let queued: Promise<boolean> | undefined;
  const next = (): Promise<boolean> => {
    if (running === undefined) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running.then(() => {
      queued = undefined;
      return next();
    });
    return queued;
  };
  return next;
}

const sameSources = (a: readonly MeshSource[], b: readonly MeshSource[]): boolean =>
  a.length === b.length && a.every((s, i) => s.file === b[i]?.file && s.text === b[i].text);

export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `  ${[f.file, f.resource, f.field].filter(Boolean).join(': ')}: ${f.reason}`)
    .join('\n');
}
