// The paced load generator: request i starts at t0 + i/R over C keep-alive connections, and its
// latency runs from that scheduled time, not from when it was actually sent. A request that waits
// for a free connection (in the agent's queue) or for a late wake-up is charged the wait, so a
// slow target cannot hide its queueing by slowing the generator down (coordinated omission).
// It runs in its own process (`startGenerator` forks this file), so neither the proxy nor the
// upstreams share its event loop.
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { exitWithParent, forkReady, stopChild } from './children.ts';
import { percentile } from './stats.ts';
import type { TickerRun, TickerStart } from './ticker.ts';

export interface PacedJob {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  /** Open all C connections before the schedule starts (warm-up), so every run uses C sockets. */
  prime: boolean;
}

export interface PacedResult {
  /** One entry per answered request, scheduled start to last byte, in µs. */
  latenciesUs: number[];
  scheduled: number;
  errors: number;
  non2xx: number;
  /** Still unanswered when the drain time after the last start ran out. */
  timedOut: number;
  firstError: string | undefined;
  /** New connections the generator had to open: more than 0 in a measured run means keep-alive broke. */
  connectionsOpened: number;
  /** How late the generator itself started requests (its own noise), µs. */
  sendLagUs: { p50: number; p99: number; max: number };
}

const requestTimeoutMs = 5000;
const drainMs = 5000;

export interface Generator {
  pid: number;
  run(job: PacedJob): Promise<PacedResult>;
  stop(): Promise<void>;
}

export async function startGenerator(): Promise<Generator> {
  const { child, pid } = await forkReady(new URL(import.meta.url), []);
  let runs = 0;
  return {
    pid,
    run: (job) =>
      new Promise<PacedResult>((resolve, reject) => {
        const id = ++runs;
        const limitMs = job.seconds * 1000 + drainMs + requestTimeoutMs + 10_000;
        const timer = setTimeout(() => {
          reject(new Error(`generator gave no result within ${limitMs} ms`));
        }, limitMs);
        const onMessage = (message: {
          type?: string;
          id?: number;
          result?: PacedResult;
          error?: string;
        }): void => {
          if (message.id !== id) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          if (message.type === 'result' && message.result) resolve(message.result);
          else reject(new Error(`generator: ${message.error ?? 'no result'}`));
        };
        child.on('message', onMessage);
        child.send({ type: 'run', id, job });
      }),
    stop: () => stopChild(child),
  };
}

const agents = new Map<string, Agent>();
const knownSockets = new WeakSet<Socket>();
let socketsOpened = 0;

/** One agent per target and connection count, kept across runs so that slices reuse connections. */
function agentFor(url: URL, connections: number): Agent {
  const key = `${url.host} ${connections}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    // fifo: rotate over all open sockets, as fortio's per-connection senders do, instead of
    // piling every request onto the most recently used one.
    agent = new Agent({
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      scheduling: 'fifo',
    });
    agents.set(key, agent);
  }
  return agent;
}

type Outcome = { status: number } | { error: string };

function send(url: URL, agent: Agent, done: (outcome: Outcome) => void): () => void {
  let settled = false;
  const settle = (outcome: Outcome): void => {
    if (settled) return;
    settled = true;
    done(outcome);
  };
  const req = request(
    { agent, hostname: url.hostname, port: url.port, path: url.pathname + url.search },
    (res) => {
      res.resume();
      res.once('end', () => {
        settle({ status: res.statusCode ?? 0 });
      });
      res.once('error', (error) => {
        settle({ error: error.message });
      });
    },
  );
  req.once('socket', (socket) => {
    if (knownSockets.has(socket)) return;
    knownSockets.add(socket);
    socketsOpened++;
  });
  req.setTimeout(requestTimeoutMs, () => req.destroy(new Error('timeout')));
  req.once('error', (error: NodeJS.ErrnoException) => {
    settle({ error: error.code ?? error.message });
  });
  req.end();
  return () => req.destroy(new Error('drain time over'));
}

async function prime(url: URL, agent: Agent, connections: number): Promise<void> {
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve) =>
          send(url, agent, () => {
            resolve();
          }),
        ),
    ),
  );
}

async function runPaced(ticker: Worker, job: PacedJob): Promise<PacedResult> {
  const url = new URL(job.url);
  const agent = agentFor(url, job.connections);
  if (job.prime) await prime(url, agent, job.connections);

  const count = Math.round(job.rate * job.seconds);
  const periodNs = 1e9 / job.rate;
  const openedBefore = socketsOpened;
  const latenciesUs: number[] = [];
  const lagsUs: number[] = [];
  /** Started, unanswered requests by index, each with a way to give up on it. */
  const inFlight = new Map<number, () => void>();
  let errors = 0;
  let non2xx = 0;
  let timedOut = 0;
  let firstError: string | undefined;
  let t0 = 0n;
  let allStarted = false;

  return new Promise<PacedResult>((resolve) => {
    let drainTimer: NodeJS.Timeout | undefined;
    const finishIfDone = (): void => {
      if (!allStarted || inFlight.size > 0) return;
      clearTimeout(drainTimer);
      ticker.off('message', onTick);
      lagsUs.sort((a, b) => a - b);
      resolve({
        latenciesUs,
        scheduled: count,
        errors,
        non2xx,
        timedOut,
        firstError,
        connectionsOpened: socketsOpened - openedBefore,
        sendLagUs: {
          p50: percentile(lagsUs, 0.5),
          p99: percentile(lagsUs, 0.99),
          max: lagsUs.at(-1) ?? 0,
        },
      });
    };
    const giveUpOnTheRest = (): void => {
      for (const [index, cancel] of inFlight) {
        inFlight.delete(index);
        timedOut++;
        cancel();
      }
      finishIfDone();
    };
    const start = (index: number): void => {
      const scheduledAt = t0 + BigInt(Math.round(index * periodNs));
      lagsUs.push(Number(process.hrtime.bigint() - scheduledAt) / 1000);
      let cancel = (): void => undefined;
      inFlight.set(index, () => {
        cancel();
      });
      cancel = send(url, agent, (outcome) => {
        if (!inFlight.delete(index)) return; // already counted as timed out
        if ('error' in outcome) {
          errors++;
          firstError ??= outcome.error;
        } else {
          latenciesUs.push(Number(process.hrtime.bigint() - scheduledAt) / 1000);
          if (outcome.status < 200 || outcome.status > 299) non2xx++;
        }
        finishIfDone();
      });
    };
    const onTick = (message: TickerStart | number | 'done'): void => {
      if (typeof message === 'number') start(message);
      else if (message === 'done') {
        allStarted = true;
        drainTimer = setTimeout(giveUpOnTheRest, drainMs);
        finishIfDone();
      } else t0 = message.t0;
    };
    ticker.on('message', onTick);
    ticker.postMessage({ periodNs, count } satisfies TickerRun);
  });
}

function serve(): void {
  const ticker = new Worker(new URL('./ticker.ts', import.meta.url));
  ticker.unref();
  let queue = Promise.resolve();
  process.on('message', (message: { type?: string; id?: number; job?: PacedJob }) => {
    if (message.type !== 'run' || message.job === undefined) return;
    const { id, job } = message;
    // One run at a time: two schedules on one ticker would interleave.
    queue = queue.then(async () => {
      try {
        process.send?.({ type: 'result', id, result: await runPaced(ticker, job) });
      } catch (error) {
        process.send?.({ type: 'failed', id, error: String(error) });
      }
    });
  });
  process.send?.({ type: 'ready', port: 0 });
  exitWithParent();
}

if (import.meta.main) serve();
