import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { RequestIdPropagator } from '../../../../services/kit/request-id.ts';

describe('x-request-id propagation', () => {
  const propagator = new RequestIdPropagator();

  it("copies the caller's x-request-id onto outbound calls", () => {
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      { 'x-request-id': 'abc-123' },
      defaultTextMapGetter,
    );
    const outbound: Record<string, string> = {};
    propagator.inject(ctx, outbound, defaultTextMapSetter);
    assert.deepEqual(outbound, { 'x-request-id': 'abc-123' });
  });

  it('starts a new id for a request that came without one, as the edge proxy would', () => {
    const ctx = propagator.extract(ROOT_CONTEXT, {}, defaultTextMapGetter);
    const outbound: Record<string, string> = {};
    propagator.inject(ctx, outbound, defaultTextMapSetter);
    assert.match(outbound['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('replaces an absurdly long id rather than forwarding it', () => {
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      { 'x-request-id': 'x'.repeat(500) },
      defaultTextMapGetter,
    );
    const outbound: Record<string, string> = {};
    propagator.inject(ctx, outbound, defaultTextMapSetter);
    assert.notEqual(outbound['x-request-id'], 'x'.repeat(500));
  });

  it('adds nothing when there is no request in context', () => {
    const outbound: Record<string, string> = {};
    propagator.inject(ROOT_CONTEXT, outbound, defaultTextMapSetter);
    assert.deepEqual(outbound, {});
  });
});
