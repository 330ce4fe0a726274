// Every process the benchmark starts is registered here, so that a normal end, an error, Ctrl-C or
// SIGTERM all leave nothing running. Forked Node children also exit by themselves when the IPC
// channel to the benchmark closes (see `exitWithParent`), which covers the benchmark being killed.
import { fork, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const running = new Set<ChildProcess>();
/** Processes started by code we do not own (the local mesh): killed by pid only if still registered. */
const foreignPids = new Set<number>();

export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export function trackPid(pid: number): () => void {
  foreignPids.add(pid);
  return () => foreignPids.delete(pid);
}

function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of foreignPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** On exit, SIGINT and SIGTERM: run `cleanup` (bounded to 3 s), then kill whatever is left. */
export function stopChildrenOnExit(cleanup: () => Promise<void>): void {
  process.once('exit', killAllNow);
  const onSignal = (signal: NodeJS.Signals, code: number): void => {
    process.stderr.write(`\nmesh-hop: ${signal}, stopping every process it started\n`);
    void Promise.race([cleanup().catch(() => undefined), sleep(3000)]).finally(() => {
      killAllNow();
      process.exit(code);
    });
  };
  process.once('SIGINT', () => {
    onSignal('SIGINT', 130);
  });
  process.once('SIGTERM', () => {
    onSignal('SIGTERM', 143);
  });
}

export interface ForkedChild {
  child: ChildProcess;
  pid: number;
  port: number;
}

/**
 * Forks a Node module (run with type stripping, like the benchmark) and waits for its
 * `{ type: 'ready', port }` message.
 */
export async function forkReady(
  module: URL,
  args: string[],
  timeoutMs = 10_000,
): Promise<ForkedChild> {
  const child = fork(module, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  track(child);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${module.pathname} not ready after ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready' && typeof message.port === 'number') {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${module.pathname} exited before ready (${signal ?? code})`));
      });
    });
    if (child.pid === undefined) throw new Error(`${module.pathname} has no pid`);
    return { child, pid: child.pid, port };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** In a forked child: exit as soon as the benchmark that forked it is gone. */
export function exitWithParent(): void {
  process.once('disconnect', () => process.exit(0));
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  stillAlive: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!stillAlive()) throw new Error('process exited');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`nothing accepts connections on 127.0.0.1:${port} after ${timeoutMs} ms`);
}
