import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CarArchive, extractCar, readCar } from '@chassis/car';
import type { DriverState } from '@chassis/kernel';
import type { CarReader } from '@chassis/loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { realDriverManager } from '../testing/real-manager.js';

const ID = 'com.example.once';

describe('one install reads and verifies its CAR once', () => {
  let root: string;
  let carFile: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-verify-once-'));
    carFile = await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.0.0' });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('upload → trust → cache → loader pass one checked archive; transitions follow the steps', async () => {
    const reads: string[] = [];
    // Every call is one full read and check of a CAR file (zip safety, manifest digests).
    const reader: CarReader = {
      readCar: (file, options) => {
        reads.push(`read:${file}`);
        return readCar(file, options);
      },
      extractCar: (file, dest, options) => {
        reads.push(`extract:${file}`);
        return extractCar(file, dest, options);
      },
    };
    const statesAtLoad: (DriverState | undefined)[] = [];
    const verified: (string | CarArchive)[] = [];
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'installed'),
      keep: true,
      reader,
      wrap: (adapter) => ({
        open: (file, expect) => adapter.open(file, expect),
        load: (car) => {
          statesAtLoad.push(lifecycle.get(car.descriptor.id, car.descriptor.version)?.state);
          return adapter.load(car);
        },
      }),
      verify: async (car) => {
        verified.push(car);
        return { signed: false };
      },
    });
    try {
      const record = await manager.install({ kind: 'file', path: carFile }, 'ops');
      expect(record.result).toBe('succeeded');
      expect(reads).toEqual([`extract:${carFile}`]);
      // The trust check got the archive the cache checked, not a path to read again.
      expect(verified).toHaveLength(1);
      expect(typeof verified[0]).toBe('object');
      expect((verified[0] as CarArchive).descriptor.id).toBe(ID);
      // The environment was started only after verification and resolution were done.
      expect(statesAtLoad).toEqual(['Resolved']);
      expect(lifecycle.history(ID).map((e) => e.to)).toEqual([
        'Verified',
        'Resolved',
        'Loaded',
        'Starting',
        'Running',
      ]);
      const version = manager.drivers.get(ID)!.record.versions[0]!;
      expect(version.sha256).toBe((verified[0] as CarArchive).sha256);
      expect(version.car).toBe(join(root, 'installed', 'kept', `${version.sha256}.car`));

      // A restart reloads the kept CAR: one read (checked against its known digest), and the
      // cached extraction is reused rather than extracted again.
      reads.length = 0;
      await manager.restart(ID);
      expect(reads).toEqual([`read:${version.car}`]);
      expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
    } finally {
      await manager.shutdown();
    }
  });

  it('a CAR the trust check refuses leaves no lifecycle entry and no environment', async () => {
    let loads = 0;
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'refused'),
      wrap: (adapter) => ({
        open: (file, expect) => adapter.open(file, expect),
        load: (car) => {
          loads++;
          return adapter.load(car);
        },
      }),
      verify: async () => {
        throw Object.assign(new Error('unsigned'), { code: 'CHASSIS_E_SIG_UNSIGNED' });
      },
    });
    const events: string[] = [];
    lifecycle.lifecycle$.subscribe((e) => events.push(`${e.from}>${e.to}`));
    await expect(manager.install({ kind: 'file', path: carFile }, 'ops')).rejects.toMatchObject({
      code: 'CHASSIS_E_SIG_UNSIGNED',
    });
    expect(loads).toBe(0);
    expect(lifecycle.has(ID, '1.0.0')).toBe(false);
    expect(events).toEqual(['Discovered>Failed', 'Failed>Unloaded']);
    expect(manager.drivers.has(ID)).toBe(false);
  });
});
