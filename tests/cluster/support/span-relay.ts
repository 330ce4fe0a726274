// Copies the spans local mode's trace store receives to another Zipkin API. Local mode cannot be
// told to export elsewhere (its services and mesh send to the trace store it starts), so the relay
// polls the store for the traces of the last few seconds and POSTs every span it has not sent yet
// to /api/v2/spans, in the JSON the store answers (the Zipkin v2 JSON the services sent, as the
// store normalized it). Spans arrive in ~0.5 s batches, so the target sees traces grow as it would
// from the services themselves, a second or two later.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '../../../tracestore/span.ts';

export interface SpanRelay {
  /** Spans and traces sent so far. */
  readonly spans: number;
  readonly traces: number;
  /** Every trace sent, oldest first, with how many spans it was sent. */
  readonly sent: ReadonlyMap<string, number>;
  /** Polls once more (for spans that arrived since the last), then stops. */
  stop(): Promise<void>;
}

/** The traces of this window are asked for at every poll: longer than a round plus its export. */
const WINDOW_MS = 10_000;
const POLL_MS = 2_000;
/** Zipkin's collector takes any size up to its request limit; smaller posts keep it simple. */
const BATCH = 2_000;

/** The key of a span within its trace: what makes two reports two spans (see spanKey). */
const keyOf = (span: Span): string =>
  [span.id, span.kind ?? '', span.shared ? 's' : '', span.localEndpoint?.serviceName ?? ''].join(
    '|',
  );

export interface RelayOptions {
  /** What is sent for each span read (e.g. support/sidecar-spans.ts); the span itself by default. */
  reshape?: (span: Span) => Span[];
}

export function startSpanRelay(
  fromUrl: string,
  toUrl: string,
  { reshape = (span) => [span] }: RelayOptions = {},
): SpanRelay {
  const seen = new Map<string, Set<string>>();
  const sent = new Map<string, number>();
  let spans = 0;
  const state = { stopping: false };
  let failure: Error | undefined;

  async function pollOnce(): Promise<void> {
    const now = Date.now();
    const params = new URLSearchParams({
      endTs: String(now),
      lookback: String(WINDOW_MS),
      limit: '100000',
    });
    const response = await fetch(`${fromUrl}/api/v2/traces?${params.toString()}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`trace store answered ${response.status}`);
    const traces = (await response.json()) as Span[][];
    const fresh: Span[] = [];
    // Oldest first, so that the target receives traces in the order they started.
    for (const trace of traces.reverse()) {
      const traceId = trace[0]?.traceId;
      if (traceId === undefined) continue;
      let keys = seen.get(traceId);
      if (!keys) {
        keys = new Set();
        seen.set(traceId, keys);
      }
      for (const span of trace) {
        const key = keyOf(span);
        if (keys.has(key)) continue;
        keys.add(key);
        const shaped = reshape(span);
        fresh.push(...shaped);
        sent.set(traceId, (sent.get(traceId) ?? 0) + shaped.length);
      }
    }
    for (let at = 0; at < fresh.length; at += BATCH) {
      const batch = fresh.slice(at, at + BATCH);
      const posted = await fetch(`${toUrl}/api/v2/spans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(30_000),
      });
      await posted.arrayBuffer();
      if (posted.status !== 202) throw new Error(`POST /api/v2/spans answered ${posted.status}`);
      spans += batch.length;
    }
    // Traces that left the window get no more spans from the poll: forget their keys.
    if (seen.size > 5_000) {
      const current = new Set(traces.map((t) => t[0]?.traceId));
      for (const traceId of seen.keys()) if (!current.has(traceId)) seen.delete(traceId);
    }
  }

  const loop = (async () => {
    while (!state.stopping) {
      const started = Date.now();
      try {
        await pollOnce();
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        return;
      }
      await sleep(Math.max(0, POLL_MS - (Date.now() - started)));
    }
  })();

  return {
    get spans() {
      return spans;
    },
    get traces() {
      return sent.size;
    },
    sent,
    async stop() {
      state.stopping = true;
      await loop;
      if (failure) throw new Error(`the span relay stopped: ${failure.message}`);
      await pollOnce();
    },
  };
}
