// istioctl analyze on files only (--use-kube=false: no cluster is consulted), its findings as JSON,
// with the exit status its default output gives checked to agree (79 when there are errors).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runProgram, type Result } from './control-plane.ts';
import { tool } from './tools.ts';

export interface Message {
  code: string;
  level: 'Error' | 'Warning' | 'Info';
  message: string;
  origin: string;
  reference?: string;
}

/** istioctl with a kubeconfig that does not exist, so that nothing can reach a cluster. */
export function istioctl(scratch: string, args: readonly string[]): Promise<Result> {
  const env = { ...process.env, KUBECONFIG: join(scratch, 'no-kubeconfig') };
  return runProgram(tool('istioctl'), args, { env });
}

export async function analyze(scratch: string, path: string): Promise<Message[]> {
  const result = await istioctl(scratch, [
    'analyze',
    '--use-kube=false',
    '--all-namespaces',
    '--output=json',
    '--output-threshold=Info',
    '--failure-threshold=Error',
    path,
  ]);
  const start = result.stdout.indexOf('[');
  assert.ok(start >= 0, `istioctl analyze printed no JSON: ${result.stdout}${result.stderr}`);
  const messages = JSON.parse(result.stdout.slice(start)) as Message[];
  // With --output=json istioctl exits 0 whatever it found; its default (log) output sets the exit
  // status a CI job would see (79 on errors), so that is checked too.
  const log = await istioctl(scratch, ['analyze', '--use-kube=false', '--all-namespaces', path]);
  const errors = messages.some((m) => m.level === 'Error');
  assert.equal(log.code === 0, !errors, `exit ${log.code}: ${log.stdout}${log.stderr}`);
  return messages;
}
