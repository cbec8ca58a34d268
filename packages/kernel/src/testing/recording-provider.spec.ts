import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../driver/driver-definition.js';
import { fakeContext } from './fake-context.js';
import { recordingProvider } from './recording-provider.js';

interface Pool {
  grow(ctx: OperationContext, volume: string, bytes: number): { method: string };
  stats(ctx: OperationContext): { method: string };
}

describe('recordingProvider', () => {
  it('answers { method } and records each call with its context', () => {
    const { provider, calls } = recordingProvider<Pool>();
    const props = Object.freeze({ mVip: 'v' });
    expect(provider.grow(fakeContext(props, { resourceId: 'p1' }), 'v1', 5)).toEqual({
      method: 'grow',
    });
    expect(provider.stats(fakeContext({}, { resourceId: 'p2' }))).toEqual({ method: 'stats' });
    expect(calls).toEqual([
      { method: 'grow', args: ['v1', 5], props, resource: 'p1' },
      { method: 'stats', args: [], props: {}, resource: 'p2' },
    ]);
  });

  it('keeps separate calls per provider', () => {
    const a = recordingProvider<Pool>();
    const b = recordingProvider<Pool>();
    a.provider.stats(fakeContext({}));
    expect([a.calls.length, b.calls.length]).toEqual([1, 0]);
  });
});
