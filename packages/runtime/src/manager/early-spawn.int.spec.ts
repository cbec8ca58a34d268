import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CarArchive } from '@chassis/car';
import { createExtensionPoint, type Resource } from '@chassis/kernel';
import { PendingEnvironment } from '@chassis/loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureCar } from '../testing/driver-fixture.js';
import { realDriverManager } from '../testing/real-manager.js';
import type { VerifiedCar, VersionLoader } from './types.js';

const ID = 'com.example.early';
const BOUND_MS = 10_000;

/** `whoami` answers with the pid (process tier) of the environment the driver runs in. */
const PID_SOURCE = `export default { provides: { 'storage.primary': { whoami: () => process.pid } } };\n`;

const resource = { id: 'r-1', kind: 'pool', category: 'storage', driverId: ID } as Resource;

/** Live guest children of this process (the process tier's children carry the channel flag). */
async function guestPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || Number(ppid) !== process.pid) continue;
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (argv.includes('--chassis-channel-fd')) pids.push(pid);
  }
  return pids.sort((a, b) => a - b);
}

/** Polls `probe` (bounded in time, 50 ms apart) until it holds; returns the last verdict. */
async function eventually(probe: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + BOUND_MS;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `open` handed over, per version: whether an early environment was held, the guests then. */
interface Opened {
  readonly car: VerifiedCar;
  readonly held: boolean;
  readonly guests: number[];
}

/** Watches each `open`: waits for the early spawn (no timing) and notes the children then. */
function watchOpen(opened: Map<string, Opened>): (l: VersionLoader) => VersionLoader {
  return (adapter) => ({
    async open(file, expect) {
      const car = await adapter.open(file, expect);
      const pending = car.pending;
      const held = pending instanceof PendingEnvironment && (await pending.held());
      opened.set(car.descriptor.version, { car, held, guests: await guestPids() });
      return car;
    },
    load: (car) => adapter.load(car),
  });
}

/**
 * Issue 14, "extraction and verification overlap with spawning environments", on the path
 * operators use: `DriverManager.install` (upload and repository installs) opens the CAR through
 * the loader, which spawns the driver's environment from the CAR's head meanwhile. An install
 * that reaches `Running` runs in that very environment (the guest's pid is the one spawned
 * during the open); an install refused after the open (trust, the driver's lock) leaves no
 * child process or scratch folder, although the child existed before the refusal. Nothing is
 * timed: the early spawn is awaited through `PendingEnvironment.held`, pids are read from /proc.
 */
describe('install: the environment spawned while the CAR is opened', () => {
  let root: string;
  let car1: string;
  let car2: string;
  let broken: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-runtime-early-'));
    const build = (version: string) =>
      buildFixtureCar(join(root, 'cars'), {
        id: ID,
        version,
        isolation: 'process',
        source: PID_SOURCE,
      });
    car1 = await build('1.0.0');
    car2 = await build('1.0.1');
    broken = await buildFixtureCar(join(root, 'cars'), {
      id: 'com.example.broken',
      version: '1.0.0',
      isolation: 'process',
      source: `throw new Error('broken at import');\n`,
    });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('an install that reaches Running runs in the pre-spawned process (same pid)', async () => {
    const opened = new Map<string, Opened>();
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'reuse'),
      scratchRoot: join(root, 'reuse', 'scratch'),
      wrap: watchOpen(opened),
    });
    try {
      await manager.install({ kind: 'file', path: car1 }, 'ops');
      expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
      const at = opened.get('1.0.0')!;
      expect(at.held).toBe(true);
      expect(at.guests).toHaveLength(1);
      expect((at.car.pending as PendingEnvironment).used).toBe(true);
      const handle = manager.drivers.get(ID)!.loaded.get('1.0.0')!.handle;
      const pid = await handle.invoke(
        'storage.primary',
        'whoami',
        { properties: {}, resource },
        [],
      );
      expect(pid).toBe(at.guests[0]);
      expect(await guestPids()).toEqual(at.guests);
    } finally {
      await manager.shutdown();
    }
    expect(await eventually(async () => (await guestPids()).length === 0)).toBe(true);
  });

  it('boot and restart load a known version in the process spawned while its CAR was opened', async () => {
    const opened = new Map<string, Opened>();
    const options = {
      root: join(root, 'boot'),
      scratchRoot: join(root, 'boot', 'scratch'),
      wrap: watchOpen(opened),
    };
    const first = realDriverManager(options);
    await first.manager.install({ kind: 'file', path: car1 }, 'ops');
    await first.manager.shutdown();
    expect(await eventually(async () => (await guestPids()).length === 0)).toBe(true);
    // A new manager over the same records and cache: boot opens the CAR by its known digest.
    const { manager, lifecycle } = realDriverManager({ ...options, store: first.store });
    const whoami = () =>
      manager.drivers
        .get(ID)!
        .loaded.get('1.0.0')!
        .handle.invoke('storage.primary', 'whoami', { properties: {}, resource }, []);
    try {
      await manager.restore();
      expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
      const booted = opened.get('1.0.0')!;
      expect(booted.held).toBe(true);
      expect(await whoami()).toBe(booted.guests[0]);
      await manager.restart(ID);
      const restarted = opened.get('1.0.0')!;
      expect(restarted).not.toBe(booted);
      expect(restarted.held).toBe(true);
      expect(restarted.guests).toHaveLength(1);
      expect(await whoami()).toBe(restarted.guests[0]);
    } finally {
      await manager.shutdown();
    }
    expect(await eventually(async () => (await guestPids()).length === 0)).toBe(true);
  });

  it('trust refused after the open: the early child existed, and is gone with its scratch folder', async () => {
    const opened = new Map<string, Opened>();
    const scratch = join(root, 'trust', 'scratch');
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'trust'),
      scratchRoot: scratch,
      wrap: watchOpen(opened),
      verify: async () => {
        throw Object.assign(new Error('unsigned'), { code: 'CHASSIS_E_SIG_UNSIGNED' });
      },
    });
    await expect(manager.install({ kind: 'file', path: car1 }, 'ops')).rejects.toMatchObject({
      code: 'CHASSIS_E_SIG_UNSIGNED',
    });
    // The positive control: the refused install's environment had been spawned.
    const at = opened.get('1.0.0')!;
    expect(at.held).toBe(true);
    expect(at.guests).toHaveLength(1);
    // Disposed before the refusal returned: no waiting for a child to end.
    expect(await guestPids()).toEqual([]);
    expect(await readdir(scratch)).toEqual([]);
    expect(lifecycle.has(ID, '1.0.0')).toBe(false);
    await manager.shutdown();
  });

  it("the driver's lock refused after the open: only the refused install's child ends", async () => {
    const opened = new Map<string, Opened>();
    let verifying!: () => void;
    const firstVerifying = new Promise<void>((r) => (verifying = r));
    let letFirstGo!: () => void;
    const gate = new Promise<void>((r) => (letFirstGo = r));
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'lock'),
      scratchRoot: join(root, 'lock', 'scratch'),
      wrap: watchOpen(opened),
      // The first install holds the driver's lock while its trust check waits on the gate.
      verify: async (car) => {
        if ((car as CarArchive).descriptor.version === '1.0.0') {
          verifying();
          await gate;
        }
        return { signed: false };
      },
    });
    try {
      const first = manager.install({ kind: 'file', path: car1 }, 'ops');
      await firstVerifying;
      await expect(manager.install({ kind: 'file', path: car2 }, 'ops')).rejects.toMatchObject({
        code: 'CHASSIS_E_UPGRADE_IN_PROGRESS',
      });
      const a = opened.get('1.0.0')!;
      const b = opened.get('1.0.1')!;
      expect(a.held && b.held).toBe(true);
      expect(a.guests).toHaveLength(1);
      // The positive control: both children were there when the second CAR was opened.
      expect(b.guests).toHaveLength(2);
      expect(b.guests).toEqual(expect.arrayContaining(a.guests));
      expect(await guestPids()).toEqual(a.guests);
      letFirstGo();
      await first;
      expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
      expect(lifecycle.has(ID, '1.0.1')).toBe(false);
      const handle = manager.drivers.get(ID)!.loaded.get('1.0.0')!.handle;
      const pid = await handle.invoke(
        'storage.primary',
        'whoami',
        { properties: {}, resource },
        [],
      );
      expect(pid).toBe(a.guests[0]);
    } finally {
      letFirstGo();
      await manager.shutdown();
    }
    expect(await eventually(async () => (await guestPids()).length === 0)).toBe(true);
  });

  it('the load in the pre-spawned process fails: refused, the child and its scratch folder go', async () => {
    const opened = new Map<string, Opened>();
    const scratch = join(root, 'broken', 'scratch');
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'broken'),
      scratchRoot: scratch,
      wrap: watchOpen(opened),
    });
    const err = await manager.install({ kind: 'file', path: broken }, 'ops').catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_LOADER_LOAD_FAILED');
    const at = opened.get('1.0.0')!;
    expect(at.held).toBe(true);
    expect(at.guests).toHaveLength(1);
    expect((at.car.pending as PendingEnvironment).used).toBe(true);
    expect(await eventually(async () => (await guestPids()).length === 0)).toBe(true);
    expect(await readdir(scratch)).toEqual([]);
    expect(lifecycle.has('com.example.broken', '1.0.0')).toBe(false);
    await manager.shutdown();
  });

  it('a provided range the host does not speak: refused, nothing was spawned', async () => {
    const opened = new Map<string, Opened>();
    const { manager } = realDriverManager({
      root: join(root, 'provides'),
      scratchRoot: join(root, 'provides', 'scratch'),
      extensionPoints: [createExtensionPoint('storage.primary', '2.0.0')],
      wrap: watchOpen(opened),
    });
    await expect(manager.install({ kind: 'file', path: car1 }, 'ops')).rejects.toMatchObject({
      code: 'CHASSIS_E_EXT_VERSION_MISMATCH',
    });
    // The head is planned as the verified descriptor is: refused the same, so never spawned.
    expect(opened.get('1.0.0')?.held).toBe(false);
    expect(await guestPids()).toEqual([]);
    await manager.shutdown();
  });

  it('earlySpawn: false keeps the old order: nothing spawned at open, the install still runs', async () => {
    const opened = new Map<string, Opened>();
    const { manager, lifecycle } = realDriverManager({
      root: join(root, 'off'),
      scratchRoot: join(root, 'off', 'scratch'),
      earlySpawn: false,
      wrap: watchOpen(opened),
    });
    try {
      await manager.install({ kind: 'file', path: car1 }, 'ops');
      const at = opened.get('1.0.0')!;
      expect(at.held).toBe(false);
      expect(at.guests).toEqual([]);
      expect(lifecycle.state(ID, '1.0.0')).toBe('Running');
      expect(await guestPids()).toHaveLength(1);
    } finally {
      await manager.shutdown();
    }
    expect(await eventually(async () => (await guestPids()).length === 0)).toBe(true);
  });
});
