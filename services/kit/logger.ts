// JSON logs on stdout; each line carries the trace and request ids so a log line leads to its trace.
import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { currentRequestId } from './request-id.ts';

export type { Logger };

export function createLogger(options: { service: string; version: string; level: string }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, version: options.version },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        const requestId = currentRequestId();
        return {
          ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}),
          ...(requestId ? { request_id: requestId } : {}),
        };
      },
    },
    // Synchronous, so nothing is left to flush at exit: pino's asynchronous stdout flushes what is
    // buffered in an exit handler, and sonic-boom retries a write that fails with EPIPE there
    // forever, so a service whose supervisor was killed (its log pipe broken) never exited. A
    // line is one write(2) to the supervisor's pipe; an EPIPE here just turns logging off.
    pino.destination({ fd: 1, sync: true }),
  );
}
