import {
  type DriverHandle,
  LifecycleManager,
  MemoryStateStore,
  ResourceRegistry,
} from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { FakeLoader, fakeDescriptor } from '../testing/fake-loader.js';
import { DriverManager } from './driver-manager.js';
import type { VersionLoader } from './types.js';

const IDS = ['com.example.a', 'com.example.b', 'com.example.c'];

describe('boot (restore)', () => {
  it('opens several CARs at once, starts them all, and stops in reverse of the actual start', async () => {
    const fake = new FakeLoader();
    for (const id of IDS) fake.add(id, fakeDescriptor(id, '1.0.0'), { provides: {} });
    const store = new MemoryStateStore();
    const first = new DriverManager({
      lifecycle: new LifecycleManager(),
      resources: new ResourceRegistry<DriverHandle>(),
      store,
      loader: fake,
    });
    for (const id of IDS) await first.install({ kind: 'file', path: id }, 'ops');
    await first.shutdown();

    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const loader: VersionLoader = {
      open: async (file) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Held until every open has begun: a one-at-a-time boot would never get there.
        await new Promise<void>((resolve) => {
          gates.push(resolve);
          if (gates.length === IDS.length) for (const g of gates) g();
        });
        inFlight--;
        return fake.open(file);
      },
      load: (car) => fake.load(car),
    };
    const lifecycle = new LifecycleManager();
    const manager = new DriverManager({
      lifecycle,
      resources: new ResourceRegistry<DriverHandle>(),
      store,
      loader,
    });
    await manager.restore();
    expect(most).toBe(IDS.length);
    for (const id of IDS) expect(lifecycle.state(id, '1.0.0')).toBe('Running');
    const started = IDS.map((id) => [id, lifecycle.startOrder(id, '1.0.0')!] as const).sort(
      (x, y) => x[1] - y[1],
    );
    const stopped: string[] = [];
    lifecycle.lifecycle$.subscribe((e) => {
      if (e.to === 'Stopped') stopped.push(e.driver);
    });
    await manager.shutdown();
    expect(stopped).toEqual(started.map(([id]) => id).reverse());
  });
});
