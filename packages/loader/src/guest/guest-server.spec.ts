import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eachMessage,
  type GuestMessage,
  type HostFrame,
  type HostMessage,
  type InvokeCall,
  isTuple,
} from '../rpc/protocol.js';
import { serveGuest } from './guest-server.js';

const DRIVER = `
export default {
  provides: {
    'test.gs': {
      now(ctx, v) { return v; },
      async later(ctx, v) { return v; },
      boom() { throw new TypeError('sync boom'); },
      waitForAbort(ctx) {
        return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason.code + ': ' + ctx.signal.reason.message)));
      },
    },
  },
};
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-guest-'));
  await mkdir(join(dir, 'classes'));
  await writeFile(join(dir, 'classes', 'index.js'), DRIVER);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function guest() {
  const sent: GuestMessage[] = [];
  let deliver!: (m: HostMessage) => void;
  let ready!: () => void;
  const loaded = new Promise<void>((r) => {
    ready = r;
  });
  serveGuest({
    send: (f) => {
      eachMessage(f, (m) => {
        sent.push(m);
        if (!isTuple(m) && m.t === 'ready') ready();
      });
    },
    onMessage: (l) => {
      deliver = l;
    },
  });
  deliver({
    t: 'init',
    init: { dir, entry: 'classes/index.js', driver: { id: 'g', version: '1' }, messages: {} },
  });
  await loaded;
  const call = (id: number, method: string, v?: unknown) =>
    deliver([id, 'test.gs', method, { properties: {}, resource: {} as never }, [v]]);
  return { sent, deliver, call };
}

const flush = () => new Promise((r) => setImmediate(r));

const aborted = (message: string) =>
  new ChassisError('CHASSIS_E_RESOURCE_OP_TIMEOUT', message).toJSON();

describe('serveGuest', () => {
  it('answers a synchronous result and a synchronous throw in the same turn', async () => {
    const g = await guest();
    g.call(1, 'now', 'v1');
    g.call(2, 'boom');
    expect(g.sent.slice(1)).toEqual([
      [1, 'v1'],
      expect.objectContaining({
        t: 'error',
        id: 2,
        error: expect.objectContaining({ message: 'sync boom' }),
      }),
    ]);
  });

  it('answers the calls of one incoming batch as one batch, in order', async () => {
    const frames: unknown[] = [];
    let deliver!: (f: HostFrame) => void;
    let loaded!: () => void;
    const ready = new Promise<void>((r) => {
      loaded = r;
    });
    serveGuest({
      send: (f) => {
        frames.push(f);
        if (!isTuple(f) && f.t === 'ready') loaded();
      },
      onMessage: (l) => {
        deliver = l;
      },
    });
    deliver({
      t: 'init',
      init: { dir, entry: 'classes/index.js', driver: { id: 'g', version: '1' }, messages: {} },
    });
    await ready;
    const call = (id: number, method: string, v?: unknown): InvokeCall => [
      id,
      'test.gs',
      method,
      { properties: {}, resource: {} as never },
      [v],
    ];
    deliver({
      t: 'batch',
      m: [call(1, 'now', 'a'), call(2, 'boom'), call(3, 'now', 'c')],
    });
    expect(frames.slice(1)).toEqual([
      {
        t: 'batch',
        m: [[1, 'a'], expect.objectContaining({ t: 'error', id: 2 }), [3, 'c']],
      },
    ]);
  });

  it('answers an async result once it settles', async () => {
    const g = await guest();
    g.call(3, 'later', 'v3');
    expect(g.sent).toHaveLength(1);
    await flush();
    expect(g.sent[1]).toEqual([3, 'v3']);
  });

  it('an abort reaches a pending call’s signal; aborts for unknown or finished ids are ignored', async () => {
    const g = await guest();
    g.call(4, 'waitForAbort');
    g.call(5, 'now', 5);
    g.deliver({ t: 'abort', id: 5, reason: aborted('too late') });
    g.deliver({ t: 'abort', id: 99, reason: aborted('unknown') });
    g.deliver({ t: 'abort', id: 4, reason: aborted('timed out') });
    await flush();
    expect(g.sent.slice(1)).toEqual([
      [5, 5],
      // The reason crossed as a typed error, not a string.
      [4, 'CHASSIS_E_RESOURCE_OP_TIMEOUT: timed out'],
    ]);
  });

  it('answers a memory request with its own numbers, under the request’s id', async () => {
    const g = await guest();
    g.deliver({ t: 'memory', id: 7 });
    const reply = g.sent[1];
    expect(reply).toMatchObject({ t: 'memory', id: 7 });
    const m = (reply as Extract<GuestMessage, { t: 'memory' }>).memory;
    expect(m.heapUsedBytes).toBeGreaterThan(0);
    expect(m.heapTotalBytes).toBeGreaterThanOrEqual(m.heapUsedBytes);
    expect(m.externalBytes).toBeGreaterThan(0);
  });
});
