// Starts one service as its own process on a free loopback port (PORT=0), as local mode would, and
// resolves once it logs `listening`, with the port it was given.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRELOAD = './services/kit/instrumentation.ts';

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  listening: Record<string, unknown>;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Variables a test run may carry that would change how a service under test starts. */
const INHERITED_NOT = new Set([
  'SERVICE_NAME',
  'NODE_OPTIONS',
  'NODE_TEST_CONTEXT',
  'FAILURE_RATE',
]);

export async function startServiceProcess(options: {
  entry: string;
  env: Record<string, string>;
  traced?: boolean;
}): Promise<ServiceProcess> {
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !INHERITED_NOT.has(name))),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const args = [...(options.traced ? ['--import', PRELOAD] : []), options.entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);

  const lines = createInterface({ input: child.stdout });
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${options.entry}: ${why}; stderr: ${stderr}`));
    };
    const timer = setTimeout(() => {
      fail('no "listening" line within 20 s');
    }, 20_000);
    void exited.then((code) => {
      fail(`exited with ${String(code)} before listening`);
    });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(entry);
        }
      } catch {
        // not a log line: ignore
      }
    });
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${String(listening.port)}`,
    listening,
    exited,
    stderr: () => stderr,
  };
}
