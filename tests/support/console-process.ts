// `quizmesh console` started as a user starts it, in a child process; resolves with the address it
// prints, or fails with everything it said.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../cli/quizmesh.ts', import.meta.url));

export interface ConsoleProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export async function startConsole(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ConsoleProcess> {
  const child = spawn(process.execPath, [CLI, 'console', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  for await (const line of createInterface({ input: child.stdout })) {
    output += `${line}\n`;
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(line)?.[1];
    if (url !== undefined) return { child, url, output: () => output };
  }
  throw new Error(`quizmesh console did not start:\n${output}`);
}
