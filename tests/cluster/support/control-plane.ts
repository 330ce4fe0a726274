// A throwaway etcd + kube-apiserver on loopback, started by tests/cluster/tools/apiserver.sh on free
// ports, and kubectl against it.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from '../../../local/ports.ts';
import { ROOT } from '../../manifests/rendered.ts';
import { tool } from './tools.ts';

const run = promisify(execFile);
const APISERVER_SH = join(ROOT, 'tests/cluster/tools/apiserver.sh');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `program args`, feeding `input` on stdin; never throws on a non-zero exit. */
export function runProgram(
  program: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: options.env ?? process.env,
      stdio: 'pipe',
      ...(options.cwd !== undefined && { cwd: options.cwd }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface ControlPlane {
  kubeconfig: string;
  /** kubectl against this API server, as its admin (system:masters). */
  kubectl(args: readonly string[], input?: string): Promise<Result>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Also kube-controller-manager and kube-scheduler: Deployments get Pods, Pods get nodes. */
  controllers?: boolean;
  /** Also kwok with one fake node of this size (allocatable), on which Pods become Running. */
  node?: { cpu: string; memory: string };
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const programs = ['etcd', 'etcdctl', 'kube-apiserver', 'kubectl'];
  if (options.controllers === true) programs.push('kube-controller-manager', 'kube-scheduler');
  if (options.node !== undefined) programs.push('kwok');
  for (const name of programs) tool(name);
  const dir = mkdtempSync(join(tmpdir(), 'quizmesh-apiserver-'));
  const state = join(dir, 'state');
  const [etcdPort, etcdPeerPort, apiserverPort] = await freePorts(3);
  const env = {
    ...process.env,
    ETCD_PORT: String(etcdPort),
    ETCD_PEER_PORT: String(etcdPeerPort),
    APISERVER_PORT: String(apiserverPort),
    ...(options.controllers === true && { CONTROLLERS: '1' }),
    ...(options.node !== undefined && {
      KWOK: '1',
      KWOK_NODE_CPU: options.node.cpu,
      KWOK_NODE_MEMORY: options.node.memory,
    }),
  };
  const stop = async (): Promise<void> => {
    await run('bash', [APISERVER_SH, 'stop', state], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('bash', [APISERVER_SH, 'start', state], { env, timeout: 150_000 });
  } catch (error) {
    await stop();
    throw error;
  }
  const kubeconfig = join(state, 'kubeconfig');
  const kubectl = tool('kubectl');
  return {
    kubeconfig,
    kubectl: (args, input) =>
      runProgram(kubectl, ['--kubeconfig', kubeconfig, ...args], { input, env: process.env }),
    stop,
  };
}
