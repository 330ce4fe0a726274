// A process's resident memory as the kernel counts it (VmRSS in /proc/<pid>/status): what an OOM
// killer or a container limit would see, including native memory a V8 heap figure leaves out.
import { readFileSync } from 'node:fs';

/** MiB, or undefined when the process is gone (or not on Linux). */
export function residentMiB(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) / 1024;
}
