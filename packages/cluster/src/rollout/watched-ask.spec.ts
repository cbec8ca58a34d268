import { MemoryStateStore } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { requestKey, type StoredRequest } from './keys.js';
import { StoreMemberMover } from './store-mover.js';
import type { MoveRequest } from './types.js';
import { askWatched, supersede } from './watched-ask.js';

const req = (member: string, resources: string[]): MoveRequest => ({
  rolloutId: 'r',
  kind: 'move',
  n: 0,
  member,
  driverId: 'd',
  to: '2',
  resources,
  epoch: 1,
});

/** Answers as member `member` would: the request record's status `done` with `result`. */
async function answer(store: MemoryStateStore, r: MoveRequest) {
  const key = requestKey(r);
  for (let i = 0; i < 200; i++) {
    const cur = await store.get<StoredRequest>(key);
    if (cur?.value.status === 'pending') {
      await store.put(
        key,
        {
          ...cur.value,
          status: 'done',
          result: { ok: true, moved: r.resources.map((id) => ({ id, from: '1', to: '2' })) },
        },
        cur.version,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('askWatched and supersede: waiting for members that may leave', () => {
  it('stops waiting as soon as a member leaves, keeping the answers already in', async () => {
    const store = new MemoryStateStore();
    const mover = new StoreMemberMover({ store, pollMs: 5, timeoutMs: 5000 });
    const alive = new Set(['a', 'b']);
    const requests = [req('a', ['a1']), req('b', ['b1'])];
    void answer(store, requests[0] as MoveRequest);
    setTimeout(() => alive.delete('b'), 50);
    const got = await askWatched(mover, requests, new AbortController().signal, {
      everyMs: 10,
      alive: async () => alive,
    });
    expect(got[0]?.ok).toBe(true);
    expect(got[1]).toBeUndefined();
  });

  it('a superseded request is never answered; asking it again hands its resources back', async () => {
    const store = new MemoryStateStore();
    const mover = new StoreMemberMover({ store, pollMs: 5, timeoutMs: 5000 });
    const r = req('b', ['b1', 'b2']);
    await store.put(requestKey(r), { ...r, status: 'pending', issuedAt: 't' }, 0);
    expect(await supersede(store, r, 't2')).toBeUndefined();
    expect((await store.get<StoredRequest>(requestKey(r)))?.value.status).toBe('superseded');
    expect(await mover.move(r, new AbortController().signal)).toEqual({
      ok: true,
      moved: [],
      notServed: ['b1', 'b2'],
    });
  });

  it('a member that answered before it left: its answer counts and stays', async () => {
    const store = new MemoryStateStore();
    const r = req('b', ['b1']);
    const result = { ok: true, moved: [{ id: 'b1', from: '1', to: '2' }] };
    await store.put(requestKey(r), { ...r, status: 'done', issuedAt: 't', result }, 0);
    expect(await supersede(store, r, 't2')).toEqual(result);
    expect((await store.get<StoredRequest>(requestKey(r)))?.value.status).toBe('done');
  });
});
