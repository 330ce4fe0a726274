// N+1 calls: one service calling the same downstream again and again while serving one request,
// as quiz v1 asks descriptions about each image in turn (v2 and v3 ask once, in a batch). Calls
// are counted per request the caller served, not per trace, because a loop runs in one request:
// two requests that each call a service a few times are not one that calls it many times.
import type { Span } from '../../tracestore/span.ts';
import { findMeshCalls, type MeshCall } from './mesh-calls.ts';

/** "25 requests to a single service in a loop" is the talk's example; 10 already is a loop. */
export const N_PLUS_ONE_THRESHOLD = 10;

export interface NPlusOneFinding {
  caller: string;
  callerVersion?: string;
  downstream: string;
  callCount: number;
  /** Every span of every call in the loop, for the waterfall to highlight. */
  spanIds: string[];
  /** The span the loop ran under: the caller's SERVER span for the request, when it arrived. */
  parentSpanId?: string;
}

/** Loops of `threshold` calls or more, the longest first. */
export function findNPlusOne(
  spans: readonly Span[],
  threshold = N_PLUS_ONE_THRESHOLD,
): NPlusOneFinding[] {
  if (!Number.isInteger(threshold) || threshold < 2) {
    throw new RangeError(`an N+1 threshold must be a whole number of calls, 2 or more`);
  }
  const groups = new Map<string, MeshCall[]>();
  for (const call of findMeshCalls(spans)) {
    const key = [call.parentSpanId, call.caller, call.callerVersion, call.downstream].join(
      '\u0000',
    );
    const group = groups.get(key);
    if (group) group.push(call);
    else groups.set(key, [call]);
  }
  return [...groups.values()]
    .filter((calls) => calls.length >= threshold)
    .map(toFinding)
    .sort((a, b) => b.callCount - a.callCount);
}

function toFinding(calls: MeshCall[]): NPlusOneFinding {
  const [first] = calls as [MeshCall, ...MeshCall[]];
  const finding: NPlusOneFinding = {
    caller: first.caller,
    downstream: first.downstream,
    callCount: calls.length,
    spanIds: [...new Set(calls.flatMap((call) => call.spanIds))],
  };
  if (first.callerVersion !== undefined) finding.callerVersion = first.callerVersion;
  if (first.parentSpanId !== undefined) finding.parentSpanId = first.parentSpanId;
  return finding;
}
