// Passive health checking of one cluster (a service, or a service subset), as Envoy's outlier
// detector does it for the OutlierDetection Istio writes from a DestinationRule. What the sources
// say, and what is done here:
//
// Counting (Envoy's detector, default mode, no split of local-origin errors):
// - every 5xx adds to the consecutive-5xx count; 502/503/504 also add to the consecutive
//   gateway-error count, any other 5xx zeroes it; any non-5xx zeroes both;
// - a failure to connect and a reset count as a 503, a per-try timeout as a 504 (Envoy maps local
//   origin failures to those codes), so they feed both counts;
// - reaching a threshold ejects at once (ejection "runs inline" for consecutive errors) and zeroes
//   that count, whether or not the ejection was allowed; counts go on while a host is ejected but
//   cannot eject it again, and are zeroed when it returns.
// Istio's settings: consecutive5xxErrors defaults to 5, 0 turns it off; consecutiveGatewayErrors
// is off unless set above 0; interval 10s; baseEjectionTime 30s; maxEjectionPercent 10 (Istio
// passes 0 on as "unset", so 0 is 10 too). No OutlierDetection, no ejection at all.
//
// How many hosts may be out: Envoy's proto comment long said max_ejection_percent "Defaults to 10%
// but will eject at least one host regardless of the value". The code no longer does: since
// envoyproxy/envoy#27909 (2023) a host is ejected only if the share of ejected hosts AFTER
// ejecting it stays within max_ejection_percent, and envoyproxy/envoy#34796 (2024) added
// `always_eject_one_host` (default false) to bring the old "at least one" back. Istio does not set
// that field. So with Istio's 10% a cluster of fewer than 10 hosts never ejects: give scenarios
// `maxEjectionPercent: 100` (as Istio's circuit-breaking task does), or pass
// `alwaysEjectOneHost: true` to model an older Envoy.
//
// How long: base ejection time × a multiplier that rises with each ejection and, in current Envoy,
// falls by one at every sweep the host spends healthy; capped at max_ejection_time (Envoy: 300s,
// or the base time if longer; Istio does not set it). Istio's docs simplify this to "the product of
// minimum ejection duration and the number of times the host has been ejected", which is what
// happens while a host keeps failing.
//
// When it returns: Envoy returns hosts at its sweeps, which run every `interval` from the
// detector's start, at the first sweep where the ejection time has fully passed. That is modelled
// exactly: a host ejected for 30s with a 10s interval is back at the first sweep boundary at or
// after ejection + 30s. Nothing here runs on a timer; the sweeps due by `now` are replayed on the
// next call.
//
// All hosts ejected: Istio sets Envoy's panic threshold to minHealthPercent, 0 by default, which
// turns panic routing off, so the caller then has no healthy host and answers 503 with flag UH.
import type { MeshInstance } from '../config/topology.ts';
import { endpointKey } from './endpoint.ts';
import type { OutlierDetectionPolicy } from './subsets.ts';
import { is5xx, isGatewayError, statusOf, type UpstreamOutcome } from './upstream-outcome.ts';

export interface OutlierSettings {
  /** 0: off. */
  consecutive5xx: number;
  /** 0: off. */
  consecutiveGatewayErrors: number;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  maxEjectionPercent: number;
  alwaysEjectOneHost: boolean;
}

export type EjectionReason = 'consecutive-5xx' | 'consecutive-gateway-errors';

export interface Ejection {
  endpoint: string;
  reason: EjectionReason;
  ejectedAt: number;
  durationMs: number;
  /** The sweep at which the host will be back. */
  returnsAt: number;
  /** How many times this host has been ejected, this one included. */
  ejections: number;
}

interface HostState {
  endpoint: string;
  consecutive5xx: number;
  consecutiveGateway: number;
  ejection: { at: number; reason: EjectionReason } | undefined;
  /** Envoy's ejection time multiplier. */
  backoff: number;
  ejections: number;
  lastReturnedAt: number | undefined;
}

/** Envoy's effective settings for an Istio OutlierDetection. */
export function outlierSettings(
  policy: OutlierDetectionPolicy,
  options: { alwaysEjectOneHost?: boolean } = {},
): OutlierSettings {
  const baseEjectionMs = policy.baseEjectionTime ?? 30_000;
  const maxPercent = policy.maxEjectionPercent;
  return {
    consecutive5xx: policy.consecutive5xxErrors ?? 5,
    consecutiveGatewayErrors: policy.consecutiveGatewayErrors ?? 0,
    intervalMs: Math.max(1, policy.interval ?? 10_000),
    baseEjectionMs,
    maxEjectionMs: Math.max(300_000, baseEjectionMs),
    maxEjectionPercent: maxPercent !== undefined && maxPercent > 0 ? maxPercent : 10,
    alwaysEjectOneHost: options.alwaysEjectOneHost ?? false,
  };
}

export class OutlierDetector {
  /** Undefined when the cluster has no OutlierDetection: nothing is ever ejected. */
  readonly settings: OutlierSettings | undefined;
  readonly #hosts = new Map<string, HostState>();
  readonly #startedAt: number;
  #nextSweep: number;

  constructor(
    policy: OutlierDetectionPolicy | undefined,
    instances: readonly MeshInstance[],
    now: number,
    options: { alwaysEjectOneHost?: boolean } = {},
  ) {
    this.settings = policy ? outlierSettings(policy, options) : undefined;
    this.#startedAt = now;
    this.#nextSweep = now + (this.settings?.intervalMs ?? 0);
    for (const instance of instances) this.#state(instance);
  }

  /** Follow the cluster's membership: new hosts start clean, gone hosts are forgotten. */
  setInstances(instances: readonly MeshInstance[], now: number): void {
    this.#advance(now);
    const present = new Set(instances.map(endpointKey));
    for (const endpoint of this.#hosts.keys()) {
      if (!present.has(endpoint)) this.#hosts.delete(endpoint);
    }
    for (const instance of instances) this.#state(instance);
  }

  /** Count one try's outcome against a host; returns the ejection it caused, if any. */
  record(instance: MeshInstance, outcome: UpstreamOutcome, now: number): Ejection | undefined {
    this.#advance(now);
    const settings = this.settings;
    const status = statusOf(outcome);
    if (!settings || status === undefined) return undefined;
    const state = this.#state(instance);
    if (!is5xx(status)) {
      state.consecutive5xx = 0;
      state.consecutiveGateway = 0;
      return undefined;
    }
    let ejection: Ejection | undefined;
    if (isGatewayError(status)) {
      state.consecutiveGateway++;
      if (state.consecutiveGateway === settings.consecutiveGatewayErrors) {
        ejection = this.#consider(state, 'consecutive-gateway-errors', now, settings);
      }
    } else {
      state.consecutiveGateway = 0;
    }
    state.consecutive5xx++;
    if (state.consecutive5xx === settings.consecutive5xx) {
      ejection ??= this.#consider(state, 'consecutive-5xx', now, settings);
    }
    return ejection;
  }

  /** Is the host out of the load balancing pool at `now`. */
  isEjected(instance: MeshInstance, now: number): boolean {
    this.#advance(now);
    return this.#hosts.get(endpointKey(instance))?.ejection !== undefined;
  }

  /** The instances not ejected at `now`, in their order. */
  healthy(instances: readonly MeshInstance[], now: number): MeshInstance[] {
    this.#advance(now);
    return instances.filter(
      (instance) => this.#hosts.get(endpointKey(instance))?.ejection === undefined,
    );
  }

  /** The hosts ejected at `now`. */
  ejected(now: number): Ejection[] {
    this.#advance(now);
    const settings = this.settings;
    if (!settings) return [];
    return [...this.#hosts.values()].flatMap((state) =>
      state.ejection ? [this.#describe(state, state.ejection, settings)] : [],
    );
  }

  #state(instance: MeshInstance): HostState {
    const endpoint = endpointKey(instance);
    let state = this.#hosts.get(endpoint);
    if (!state) {
      state = {
        endpoint,
        consecutive5xx: 0,
        consecutiveGateway: 0,
        ejection: undefined,
        backoff: 0,
        ejections: 0,
        lastReturnedAt: undefined,
      };
      this.#hosts.set(endpoint, state);
    }
    return state;
  }

  #consider(
    state: HostState,
    reason: EjectionReason,
    now: number,
    settings: OutlierSettings,
  ): Ejection | undefined {
    if (state.ejection) return undefined;
    if (reason === 'consecutive-5xx') state.consecutive5xx = 0;
    else state.consecutiveGateway = 0;
    let active = 0;
    for (const host of this.#hosts.values()) if (host.ejection) active++;
    const withinLimit = (100 * (active + 1)) / this.#hosts.size <= settings.maxEjectionPercent;
    if (!withinLimit && !(settings.alwaysEjectOneHost && active === 0)) return undefined;
    state.ejection = { at: now, reason };
    state.ejections++;
    if (
      state.backoff * settings.baseEjectionMs <
      settings.maxEjectionMs + settings.baseEjectionMs
    ) {
      state.backoff++;
    }
    return this.#describe(state, state.ejection, settings);
  }

  #describe(
    state: HostState,
    ejection: NonNullable<HostState['ejection']>,
    settings: OutlierSettings,
  ): Ejection {
    const durationMs = ejectionTime(state, settings);
    const sweeps = Math.ceil((ejection.at + durationMs - this.#startedAt) / settings.intervalMs);
    return {
      endpoint: state.endpoint,
      reason: ejection.reason,
      ejectedAt: ejection.at,
      durationMs,
      returnsAt: this.#startedAt + sweeps * settings.intervalMs,
      ejections: state.ejections,
    };
  }

  /** Replay the sweeps due by `now`, skipping ahead once no sweep can change anything. */
  #advance(now: number): void {
    const settings = this.settings;
    if (!settings) return;
    const interval = settings.intervalMs;
    while (this.#nextSweep <= now) {
      this.#sweep(this.#nextSweep, settings);
      this.#nextSweep += interval;
      if (this.#quiet() && this.#nextSweep <= now) {
        this.#nextSweep += (Math.floor((now - this.#nextSweep) / interval) + 1) * interval;
      }
    }
  }

  #sweep(at: number, settings: OutlierSettings): void {
    for (const state of this.#hosts.values()) {
      if (state.ejection && ejectionTime(state, settings) <= at - state.ejection.at) {
        state.ejection = undefined;
        state.consecutive5xx = 0;
        state.consecutiveGateway = 0;
        state.lastReturnedAt = at;
      }
    }
    for (const state of this.#hosts.values()) {
      const back = state.lastReturnedAt;
      if (!state.ejection && back !== undefined && at - back >= settings.intervalMs) {
        if (state.backoff > 0) state.backoff--;
      }
    }
  }

  #quiet(): boolean {
    for (const state of this.#hosts.values()) {
      if (state.ejection || (state.backoff > 0 && state.lastReturnedAt !== undefined)) return false;
    }
    return true;
  }
}

function ejectionTime(state: HostState, settings: OutlierSettings): number {
  return Math.min(settings.baseEjectionMs * state.backoff, settings.maxEjectionMs);
}
