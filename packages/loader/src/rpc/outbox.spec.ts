import { describe, expect, it } from 'vitest';
import { MAX_BATCH, Outbox } from './outbox.js';
import type { Batch } from './protocol.js';

type M = { readonly t: string; readonly id: number };

function make(maxBatchBytes = Number.POSITIVE_INFINITY, failing: (m: M) => boolean = () => false) {
  const frames: (M | Batch<M>)[] = [];
  const unsendable: [M, unknown][] = [];
  const outbox = new Outbox<M>({
    post: (f) => {
      const all = f.t === 'batch' ? (f as Batch<M>).m : [f as M];
      if (all.some(failing)) throw new Error('cannot clone');
      frames.push(f);
    },
    unsendable: (m, err) => unsendable.push([m, err]),
    maxBatchBytes,
  });
  return { outbox, frames, unsendable };
}

const msg = (id: number): M => ({ t: 'call', id });
const turn = () => new Promise<void>((r) => queueMicrotask(r));

describe('Outbox', () => {
  it('posts the first message of a turn at once and the rest together at the turn’s end', async () => {
    const o = make();
    for (let i = 1; i <= 4; i++) o.outbox.send(msg(i), 0);
    expect(o.frames).toEqual([msg(1)]);
    await turn();
    expect(o.frames).toEqual([msg(1), { t: 'batch', m: [msg(2), msg(3), msg(4)] }]);
    // A new turn: the first message goes at once again.
    o.outbox.send(msg(5), 0);
    expect(o.frames.at(-1)).toEqual(msg(5));
  });

  it('posts one queued message as itself, not as a batch of one', async () => {
    const o = make();
    o.outbox.send(msg(1), 0);
    o.outbox.send(msg(2), 0);
    await turn();
    expect(o.frames).toEqual([msg(1), msg(2)]);
  });

  it('queues everything between hold and release, then posts it as one frame', () => {
    const o = make();
    o.outbox.hold();
    o.outbox.send(msg(1), 0);
    o.outbox.send(msg(2), 0);
    expect(o.frames).toEqual([]);
    o.outbox.release();
    expect(o.frames).toEqual([{ t: 'batch', m: [msg(1), msg(2)] }]);
  });

  it.each([
    { name: 'by bytes', max: 25, sizes: [10, 10, 10], frames: [[1, 2], [3]] },
    {
      name: 'unknown size goes alone, after what was queued',
      max: 100,
      sizes: [10, undefined, 10],
      frames: [[1], [2], [3]],
    },
  ])('bounds a batch $name', ({ max, sizes, frames }) => {
    const o = make(max);
    o.outbox.hold();
    for (const [i, s] of sizes.entries()) o.outbox.send(msg(i + 1), s);
    o.outbox.release();
    expect(
      o.frames.map((f) => (f.t === 'batch' ? (f as Batch<M>).m : [f as M]).map((m) => m.id)),
    ).toEqual(frames);
  });

  it(`bounds a batch to ${MAX_BATCH} messages`, () => {
    const o = make();
    o.outbox.hold();
    for (let i = 0; i < MAX_BATCH + 1; i++) o.outbox.send(msg(i), 0);
    o.outbox.release();
    expect(o.frames.map((f) => (f.t === 'batch' ? (f as Batch<M>).m.length : 1))).toEqual([
      MAX_BATCH,
      1,
    ]);
  });

  it('a message that cannot be cloned fails alone; the rest of its batch is posted', () => {
    const o = make(Number.POSITIVE_INFINITY, (m) => m.id === 2);
    o.outbox.hold();
    for (let i = 1; i <= 3; i++) o.outbox.send(msg(i), 0);
    o.outbox.release();
    expect(o.frames).toEqual([msg(1), msg(3)]);
    expect(o.unsendable.map(([m]) => m.id)).toEqual([2]);
  });
});
