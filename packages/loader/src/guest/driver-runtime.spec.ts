import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cancellation } from '../executor/cancellation.js';
import type { DriverOp, GuestInit } from '../rpc/protocol.js';
import { DriverRuntime } from './driver-runtime.js';

const DRIVER = `
export default {
  provides: {
    'test.rt': {
      sync(ctx, v) { return { v, frozen: Object.isFrozen(ctx.properties), props: ctx.properties }; },
      async later(ctx, v) { return v; },
      boom() { throw new TypeError('sync boom'); },
    },
  },
};
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-runtime-'));
  await mkdir(join(dir, 'classes'));
  await writeFile(join(dir, 'classes', 'index.js'), DRIVER);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const init = (): GuestInit => ({
  dir,
  entry: 'classes/index.js',
  driver: { id: 'com.example.rt', version: '1.0.0' },
  messages: {},
});
const invoke = (method: string, properties: Record<string, unknown>, v?: unknown): DriverOp => ({
  op: 'invoke',
  point: 'test.rt',
  method,
  ctx: { properties, resource: { id: 'r-1' } as never },
  args: [v],
});
type Seen = { v: unknown; frozen: boolean; props: unknown };

describe('DriverRuntime.perform', () => {
  it('returns a synchronous driver’s value as is and an async one’s promise', async () => {
    const rt = await DriverRuntime.load(init(), () => {});
    expect((rt.perform(invoke('sync', {}, 1), new Cancellation()) as Seen).v).toBe(1);
    const later = rt.perform(invoke('later', {}, 2), new Cancellation());
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(2);
    expect(() => rt.perform(invoke('boom', {}), new Cancellation())).toThrow('sync boom');
    expect(() => rt.perform(invoke('nope', {}), new Cancellation())).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_LOADER_NO_METHOD' }),
    );
  });

  it('in its own copy (worker/process), freezes the bag in place', async () => {
    const rt = await DriverRuntime.load(init(), () => {});
    const bag = { a: 1 };
    const seen = rt.perform(invoke('sync', bag), new Cancellation()) as Seen;
    expect(seen.frozen).toBe(true);
    expect(seen.props).toBe(bag);
  });

  it('shared with the caller (in-process), never freezes the caller’s object', async () => {
    const rt = await DriverRuntime.load({ ...init(), instance: 1 }, () => {}, { shared: true });
    const bag = { a: 1 };
    const seen = rt.perform(invoke('sync', bag), new Cancellation()) as Seen;
    expect(seen.frozen).toBe(true);
    expect(seen.props).toEqual({ a: 1 });
    expect(seen.props).not.toBe(bag);
    expect(Object.isFrozen(bag)).toBe(false);
    const frozen = Object.freeze({ b: 2 });
    expect((rt.perform(invoke('sync', frozen), new Cancellation()) as Seen).props).toBe(frozen);
  });
});
