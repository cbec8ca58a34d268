import { ChassisError, type DriverHandle } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import type { Forwarder, MemberAddress } from '../types.js';
import { remoteHandle } from './remote-handle.js';

const resource = { id: 'pool-1', kind: 'pool', category: 'storage', driverId: 'd' } as const;
const binding = { driverId: 'd', version: '1.0.0' };
const ctx = { resource: { ...resource }, locale: 'en', properties: {} } as never;

async function code(p: Promise<unknown>): Promise<[string, Record<string, unknown>]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return ChassisError.is(err) ? [err.code, err.details] : [String(err), {}];
}

/** A directory answering from a script of owners, one per lookup (the last repeats). */
const directory = (...answers: (MemberAddress | undefined)[]) => {
  let i = 0;
  return { ownerOf: async () => answers[Math.min(i++, answers.length - 1)] };
};
const b: MemberAddress = { memberId: 'b', url: 'http://127.0.0.1:1' };

describe('remoteHandle', () => {
  it('refuse mode: CLUSTER_NOT_OWNER naming the owner', async () => {
    const h = remoteHandle(
      { memberId: 'a', owners: directory(b), ownerWaitMs: 50, pollMs: 10 },
      resource,
      binding,
    );
    const [c, details] = await code(h.invoke('storage.primary', 'stats', ctx, []));
    expect(c).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
    expect(details).toMatchObject({ owner: 'b', resource: 'pool-1' });
    expect((await code(h.start()))[0]).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
  });

  it('no live owner: waits (bounded), then the retryable CLUSTER_OWNER_UNAVAILABLE', async () => {
    const h = remoteHandle(
      { memberId: 'a', owners: directory(undefined), ownerWaitMs: 60, pollMs: 10 },
      resource,
      binding,
    );
    const [c, details] = await code(h.invoke('storage.primary', 'stats', ctx, []));
    expect(c).toBe('CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE');
    expect(details.retryable).toBe(true);
  });

  it('forward mode: a call waiting for a takeover goes to the new owner once there is one', async () => {
    const calls: string[] = [];
    const forwarder: Forwarder = {
      handleFor: (id, _binding, owner) =>
        ({
          invoke: async (_p: string, m: string) => {
            calls.push(`${id}:${m}@${owner.memberId}`);
            return 'done';
          },
        }) as unknown as DriverHandle,
      close: async () => {},
    };
    const h = remoteHandle(
      {
        memberId: 'a',
        owners: directory(undefined, undefined, b),
        forwarder,
        ownerWaitMs: 5000,
        pollMs: 5,
      },
      resource,
      binding,
    );
    expect(await h.invoke('storage.primary', 'stats', ctx, [])).toBe('done');
    expect(calls).toEqual(['pool-1:stats@b']);
    // Ownership that moved to this member: retryable, the local compartment opens next.
    const here = remoteHandle(
      { memberId: 'b', owners: directory(b), forwarder, ownerWaitMs: 50, pollMs: 5 },
      resource,
      binding,
    );
    expect((await code(here.invoke('storage.primary', 'stats', ctx, [])))[0]).toBe(
      'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE',
    );
  });
});
