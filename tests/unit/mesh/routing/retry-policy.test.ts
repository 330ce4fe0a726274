// Retries (Istio's HTTPRetry on Envoy's retry-on conditions), fault injection and response flags.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { virtualService, type HttpRoute } from '../../../../mesh/config/schema.ts';
import { decideFault } from '../../../../mesh/routing/fault.ts';
import {
  formatResponseFlags,
  LOCAL_REPLY_STATUS,
  RBAC_DENIED,
  rbacDeniedDetails,
  RESPONSE_FLAGS,
} from '../../../../mesh/routing/response-flags.ts';
import {
  DEFAULT_RETRY_POLICY,
  retryBackoffMs,
  retryDecision,
  retryPolicyOf,
  type RetryPolicy,
} from '../../../../mesh/routing/retry-policy.ts';

/** One http route as a VirtualService carries it, parsed by the mesh's schema. */
function route(fields: Record<string, unknown>): HttpRoute {
  const parsed = virtualService.parse({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'quiz' },
    spec: { hosts: ['quiz'], http: [{ route: [{ destination: { host: 'quiz' } }], ...fields }] },
  });
  const first = parsed.spec.http[0];
  assert.ok(first);
  return first;
}

const policyOn = (retryOn: string, attempts = 2): RetryPolicy =>
  retryPolicyOf(route({ retries: { attempts, retryOn } }));

/** How many tries a request makes when every try ends with `outcome`. */
function triesUntilDone(policy: RetryPolicy, outcome: Parameters<typeof retryDecision>[1]): number {
  let tries = 1;
  while (retryDecision(policy, outcome, tries) === 'retry') tries++;
  return tries;
}

describe('retry policy', () => {
  it('a route without retries gets Istio’s default: 2 retries on connect-failure and refused-stream', () => {
    const policy = retryPolicyOf(route({}));
    assert.equal(policy, DEFAULT_RETRY_POLICY);
    assert.equal(policy.attempts, 2);
    assert.equal(triesUntilDone(policy, { connectFailure: true }), 3);
    assert.equal(triesUntilDone(policy, { refusedStream: true }), 3);
  });

  it('the default policy does not retry a 503 the app answered (Istio removed it in 2024)', () => {
    assert.equal(retryDecision(DEFAULT_RETRY_POLICY, { status: 503 }, 1), 'no-retry');
    assert.equal(retryDecision(DEFAULT_RETRY_POLICY, { reset: true }, 1), 'no-retry');
  });

  it('retries attempts: 3 means up to 4 tries', () => {
    assert.equal(triesUntilDone(policyOn('5xx', 3), { status: 500 }), 4);
  });

  it('attempts: 0 turns retries off, even the default ones', () => {
    const policy = retryPolicyOf(route({ retries: { attempts: 0 } }));
    assert.equal(triesUntilDone(policy, { connectFailure: true }), 1);
    assert.equal(retryDecision(policy, { connectFailure: true }, 1), 'no-retry');
  });

  it('attempts without retryOn keep the default conditions', () => {
    const policy = retryPolicyOf(route({ retries: { attempts: 5, perTryTimeout: '250ms' } }));
    assert.equal(triesUntilDone(policy, { connectFailure: true }), 6);
    assert.equal(retryDecision(policy, { status: 503 }, 1), 'no-retry');
    assert.equal(policy.perTryTimeoutMs, 250);
  });

  it('retryOn 5xx retries a 503 but not a 404', () => {
    const policy = policyOn('5xx');
    assert.equal(retryDecision(policy, { status: 503 }, 1), 'retry');
    assert.equal(retryDecision(policy, { status: 404 }, 1), 'no-retry');
  });

  it('gateway-error does not retry a 500, but retries 502, 503 and 504', () => {
    const policy = policyOn('gateway-error');
    assert.equal(retryDecision(policy, { status: 500 }, 1), 'no-retry');
    for (const status of [502, 503, 504])
      assert.equal(retryDecision(policy, { status }, 1), 'retry');
  });

  it('5xx and gateway-error also retry resets, failed connections and per-try timeouts', () => {
    for (const retryOn of ['5xx', 'gateway-error']) {
      const policy = policyOn(retryOn);
      for (const outcome of [{ reset: true }, { connectFailure: true }, { timedOut: true }]) {
        assert.equal(
          retryDecision(policy, outcome, 1),
          'retry',
          `${retryOn} ${JSON.stringify(outcome)}`,
        );
      }
    }
  });

  it('connect-failure retries only connections that failed', () => {
    const policy = policyOn('connect-failure');
    assert.equal(retryDecision(policy, { connectFailure: true }, 1), 'retry');
    assert.equal(retryDecision(policy, { reset: true }, 1), 'no-retry');
    assert.equal(retryDecision(policy, { timedOut: true }, 1), 'no-retry');
    assert.equal(retryDecision(policy, { status: 503 }, 1), 'no-retry');
  });

  it('reset retries any reset, a failed connection and a per-try timeout, but no status', () => {
    const policy = policyOn('reset');
    assert.equal(retryDecision(policy, { reset: true }, 1), 'retry');
    assert.equal(retryDecision(policy, { connectFailure: true }, 1), 'retry');
    assert.equal(retryDecision(policy, { timedOut: true }, 1), 'retry');
    assert.equal(retryDecision(policy, { status: 503 }, 1), 'no-retry');
  });

  it('retriable-4xx retries a 409 and no other 4xx', () => {
    const policy = policyOn('retriable-4xx');
    assert.equal(retryDecision(policy, { status: 409 }, 1), 'retry');
    assert.equal(retryDecision(policy, { status: 429 }, 1), 'no-retry');
  });

  it('a retriable outcome with no retry left is URX: the retry limit was exceeded', () => {
    const policy = policyOn('5xx', 1);
    assert.equal(retryDecision(policy, { status: 503 }, 1), 'retry');
    assert.equal(retryDecision(policy, { status: 503 }, 2), 'limit-exceeded');
    assert.equal(retryDecision(policy, { status: 200 }, 2), 'no-retry');
  });

  it('the back-off before retry n is jittered within Envoy’s windows: 0-24, 0-74, 0-174 ms, at most 250', () => {
    const almostOne = () => 0.999999;
    assert.deepEqual(
      [1, 2, 3, 4, 9].map((retry) => retryBackoffMs(retry, almostOne)),
      [24, 74, 174, 250, 250],
    );
    assert.equal(
      retryBackoffMs(1, () => 0),
      0,
    );
  });
});

describe('fault injection', () => {
  const both = route({
    fault: {
      delay: { percentage: { value: 50 }, fixedDelay: '7s' },
      abort: { percentage: { value: 50 }, httpStatus: 500 },
    },
  }).fault;

  it('delay and abort are drawn independently of each other', () => {
    const draws =
      (...values: number[]) =>
      () =>
        values.shift() ?? 0;
    assert.deepEqual(decideFault(both, draws(0.1, 0.9)), { delayMs: 7_000 });
    assert.deepEqual(decideFault(both, draws(0.9, 0.1)), { abortStatus: 500 });
    assert.deepEqual(decideFault(both, draws(0.1, 0.1)), { delayMs: 7_000, abortStatus: 500 });
    assert.deepEqual(decideFault(both, draws(0.9, 0.9)), {});
  });

  it('an absent percentage means every request', () => {
    const fault = route({ fault: { abort: { httpStatus: 503 } } }).fault;
    assert.deepEqual(
      decideFault(fault, () => 0.999999),
      { abortStatus: 503 },
    );
  });

  it('a 0% fault never fires and a route without fault has none', () => {
    const fault = route({ fault: { delay: { percentage: { value: 0 }, fixedDelay: '1s' } } }).fault;
    assert.deepEqual(
      decideFault(fault, () => 0),
      {},
    );
    assert.deepEqual(
      decideFault(undefined, () => 0),
      {},
    );
  });

  it('a 0.1% delay fires for one draw in a thousand', () => {
    const fault = route({
      fault: { delay: { percentage: { value: 0.1 }, fixedDelay: '5s' } },
    }).fault;
    let delayed = 0;
    for (let n = 0; n < 100_000; n++) {
      if (decideFault(fault, () => n / 100_000).delayMs !== undefined) delayed++;
    }
    assert.equal(delayed, 100);
  });
});

describe('response flags', () => {
  it('several flags are joined with commas in the order they were set, each once', () => {
    assert.equal(
      formatResponseFlags([RESPONSE_FLAGS.DELAY_INJECTED, RESPONSE_FLAGS.FAULT_INJECTED]),
      'DI,FI',
    );
    assert.equal(formatResponseFlags(['UF', 'URX', 'UF']), 'UF,URX');
  });

  it('no flag is written as -', () => {
    assert.equal(formatResponseFlags([]), '-');
  });

  it('flags Envoy answers itself carry its status: NR 404, UH 503, UT 504', () => {
    assert.equal(LOCAL_REPLY_STATUS.NR, 404);
    assert.equal(LOCAL_REPLY_STATUS.UH, 503);
    assert.equal(LOCAL_REPLY_STATUS.UT, 504);
  });

  it('an RBAC denial sets no flag; its response code details name the policy and rule', () => {
    assert.equal(
      rbacDeniedDetails({ policy: 'deny-scores', namespace: 'quiz', rule: 0 }),
      'rbac_access_denied_matched_policy[ns[quiz]-policy[deny-scores]-rule[0]]',
    );
    assert.equal(rbacDeniedDetails({}), 'rbac_access_denied_matched_policy[none]');
    assert.ok(!(Object.values(RESPONSE_FLAGS) as readonly string[]).includes('RBAC'));
    assert.deepEqual(RBAC_DENIED, { status: 403, body: 'RBAC: access denied' });
  });
});
