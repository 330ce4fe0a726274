// Sees each answer the load generator gets, to tell the injected failures from the rest. The load
// generator counts failures by status only; whose play failed is what tells v2's bug apart, so the
// tap reads it off fetch's own diagnostics channel (as OpenTelemetry's undici instrumentation does)
// rather than wrapping or rewriting the generator.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Endpoint } from '../../cli/load/stats.ts';
import { isInjected, type QuizVersion } from './injected-failures.ts';

/** What undici publishes on `undici:request:headers`, as far as the tap reads it. */
interface RequestHeadersMessage {
  request: { origin?: string; path?: string; headers?: unknown };
  response: { statusCode: number };
}

export interface FailureTap {
  /** Injected failures seen, by `<endpoint> <status>` as the load summary names them. */
  injected(): Map<string, number>;
  close(): void;
}

export function tapFailures(siteUrl: string, version: QuizVersion): FailureTap {
  const origin = new URL(siteUrl).origin;
  const injected = new Map<string, number>();
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as RequestHeadersMessage;
    if (response.statusCode < 400 || request.origin !== origin) return;
    const endpoint = endpointOf(request.path ?? '');
    if (endpoint === undefined) return;
    const failure = { endpoint, status: response.statusCode, player: playerOf(request.headers) };
    if (!isInjected(version, failure)) return;
    const kind = `${endpoint} ${response.statusCode}`;
    injected.set(kind, (injected.get(kind) ?? 0) + 1);
  };
  diagnosticsChannel.subscribe('undici:request:headers', onHeaders);
  return {
    injected: () => new Map(injected),
    close: () => diagnosticsChannel.unsubscribe('undici:request:headers', onHeaders),
  };
}

function endpointOf(path: string): Endpoint | undefined {
  const pathname = path.split('?')[0] ?? '';
  if (pathname === '/api/round') return 'round';
  return /^\/api\/round\/[^/]+\/answer$/.test(pathname) ? 'answer' : undefined;
}

/** undici keeps request headers as a flat [name, value, name, value, …] list. */
function playerOf(headers: unknown): string {
  if (!Array.isArray(headers)) return '';
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() !== 'x-quiz-player') continue;
    try {
      return decodeURIComponent(String(headers[i + 1]));
    } catch {
      return String(headers[i + 1]);
    }
  }
  return '';
}
