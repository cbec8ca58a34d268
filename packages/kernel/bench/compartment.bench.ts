import { it } from 'vitest';
import { compare } from '../../../bench/compare.js';
import { createCompartment, type Resource } from '../src/resource/index.js';

const pool: Resource = {
  id: 'bench-pool',
  kind: 'primary-storage-pool',
  category: 'storage',
  driverId: 'com.example.bench',
};

interface Drv {
  value: number;
}
const driver: Drv = { value: 1 };

/** A typical driver call shape: async, returns a small value. */
const fn = async (d: Drv = driver): Promise<number> => d.value;

it('compartment submit round trip vs a direct await', async () => {
  const compartment = createCompartment<Drv>(pool, driver);
  await compare({
    title: 'compartment.submit(fn) vs await fn() (idle compartment, async op)',
    baseline: {
      name: 'await fn()',
      fn: async () => {
        await fn();
      },
    },
    candidate: {
      name: 'await compartment.submit(fn)',
      fn: async () => {
        await compartment.submit(fn);
      },
    },
    target: '≤ +2 µs/op',
    meets: (r) => r.overheadUs <= 2,
  });

  // Queued behind another op, a submit with a caller signal needs an entry and an abort listener.
  const signal = new AbortController().signal;
  await compare({
    title: 'queued submit(fn, { signal }) behind one op vs 2 × await fn() (per pair)',
    baseline: {
      name: '2 × await fn()',
      fn: async () => {
        await fn();
        await fn();
      },
    },
    candidate: {
      name: 'submit(fn) + await submit(fn, { signal })',
      fn: async () => {
        void compartment.submit(fn);
        await compartment.submit(fn, { signal });
      },
    },
    target: 'reported only',
  });

  // Ten callers at once: nine wait in the queue behind the first.
  const batch = Array.from({ length: 10 });
  await compare({
    title: '10 concurrent submits vs 10 sequential awaits (per batch)',
    baseline: {
      name: '10 × await fn()',
      fn: async () => {
        for (let i = 0; i < 10; i++) await fn();
      },
    },
    candidate: {
      name: 'await Promise.all(10 × submit(fn))',
      fn: async () => {
        await Promise.all(batch.map(() => compartment.submit(fn)));
      },
    },
    target: 'reported only',
  });
  await compartment.close();
});
