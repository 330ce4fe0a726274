// Istio's HTTPFaultInjection for one request. "Delay and abort faults are independent of one
// another, even if both are specified simultaneously": each is drawn on its own, and a missing
// percentage means every request. When both fire, Envoy's fault filter delays first and then
// aborts, so the access log shows DI,FI.
import type { HttpRoute } from '../config/schema.ts';

export interface FaultDecision {
  delayMs?: number;
  abortStatus?: number;
}

/** Which faults hit this request; draws `random()` once for the delay, then once for the abort. */
export function decideFault(fault: HttpRoute['fault'], random: () => number): FaultDecision {
  const decision: FaultDecision = {};
  if (!fault) return decision;
  if (fault.delay && fires(fault.delay.percentage?.value, random)) {
    decision.delayMs = fault.delay.fixedDelay;
  }
  if (fault.abort && fires(fault.abort.percentage?.value, random)) {
    decision.abortStatus = fault.abort.httpStatus;
  }
  return decision;
}

function fires(percentage: number | undefined, random: () => number): boolean {
  return random() * 100 < (percentage ?? 100);
}
