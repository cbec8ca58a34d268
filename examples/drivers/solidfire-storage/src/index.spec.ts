import { fakeContext } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import { projectMessages } from './__fixtures__/project.js';
import driver from './index.js';
import type { SolidFireProperties } from './properties.js';

const GiB = 2 ** 30;
const TiB = 2 ** 40;
const props: SolidFireProperties = Object.freeze({
  mVip: '10.10.0.10',
  mPort: 443,
  sVip: '10.20.0.10',
  sPort: 3260,
  clusterAdminUsername: 'admin',
  clusterAdminPassword: 'secret',
  minIops: 100,
  maxIops: 15000,
});
const sf = driver.provides['storage.primary'];
const messages = projectMessages();
let n = 0;
/** A fresh simulated cluster per test. */
const ctx = (locale = 'en') => fakeContext(props, { resourceId: `pool-${++n}`, locale, messages });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('SolidFire example driver', () => {
  it('initializes a pool on the storage VIP', () => {
    expect(sf.initialize(ctx())).toMatchObject({
      capacityBytes: 20 * TiB,
      usedBytes: 0,
      protocol: 'iscsi',
      endpoint: '10.20.0.10:3260',
    });
  });

  it('creates volumes rounded to 4 KiB with default or requested IOPS', () => {
    const c = ctx();
    const a = sf.createVolume(c, { name: 'root-1', sizeBytes: GiB + 1 });
    expect(a).toMatchObject({
      name: 'root-1',
      sizeBytes: GiB + 4096,
      minIops: 100,
      maxIops: 15000,
    });
    expect(a.iqn).toMatch(/^iqn\.2010-01\.com\.solidfire:[0-9a-f]{4}\.root-1\.\d+$/);
    const b = sf.createVolume(c, { name: 'data-1', sizeBytes: GiB, minIops: 500, maxIops: 2000 });
    expect(b).toMatchObject({ minIops: 500, maxIops: 2000 });
    expect(sf.stats(c)).toMatchObject({
      volumeCount: 2,
      provisionedBytes: 2 * GiB + 4096,
      provisionedIops: 600,
    });
    expect(c.logLines.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'a duplicate name',
      [
        { name: 'v', sizeBytes: GiB },
        { name: 'v', sizeBytes: GiB },
      ],
      'SF_VOLUME_EXISTS',
    ],
    [
      'minIops above maxIops',
      [{ name: 'v', sizeBytes: GiB, minIops: 900, maxIops: 800 }],
      'SF_IOPS_RANGE',
    ],
    ['more than 100k IOPS', [{ name: 'v', sizeBytes: GiB, maxIops: 200_000 }], 'SF_IOPS_RANGE'],
    ['a volume over 16 TiB', [{ name: 'v', sizeBytes: 17 * TiB }], 'SF_VOLUME_TOO_LARGE'],
    [
      'more than the cluster holds',
      [
        { name: 'a', sizeBytes: 15 * TiB },
        { name: 'b', sizeBytes: 6 * TiB },
      ],
      'SF_NO_SPACE',
    ],
  ])('refuses %s', (_name, specs, code) => {
    const c = ctx();
    const last = specs.pop()!;
    for (const s of specs) sf.createVolume(c, s);
    expect(codeOf(() => sf.createVolume(c, last))).toBe(code);
  });

  it('refuses new volumes in maintenance and accepts them again after', () => {
    const c = ctx();
    expect(sf.setMaintenance(c, true)).toEqual({ state: 'maintenance' });
    expect(codeOf(() => sf.createVolume(c, { name: 'v', sizeBytes: GiB }))).toBe('SF_MAINTENANCE');
    expect(sf.setMaintenance(c, false)).toEqual({ state: 'up' });
    expect(sf.createVolume(c, { name: 'v', sizeBytes: GiB }).name).toBe('v');
  });

  it('grows volumes but never shrinks them', () => {
    const c = ctx();
    const v = sf.createVolume(c, { name: 'v', sizeBytes: 2 * GiB });
    expect(sf.resizeVolume(c, v.id, 4 * GiB).sizeBytes).toBe(4 * GiB);
    expect(codeOf(() => sf.resizeVolume(c, v.id, GiB))).toBe('SF_SHRINK');
    expect(codeOf(() => sf.resizeVolume(c, 'nope', GiB))).toBe('SF_VOLUME_NOT_FOUND');
  });

  it('reverts a volume to the size it had at snapshot time', () => {
    const c = ctx();
    const v = sf.createVolume(c, { name: 'v', sizeBytes: 2 * GiB });
    const snap = sf.takeSnapshot(c, v.id, 'before-grow');
    expect(snap).toMatchObject({ volumeId: v.id, name: 'before-grow' });
    expect(snap).not.toHaveProperty('volumeSizeBytes');
    sf.resizeVolume(c, v.id, 8 * GiB);
    expect(sf.revertSnapshot(c, snap.id).sizeBytes).toBe(2 * GiB);
    expect(sf.stats(c).snapshotCount).toBe(1);
    expect(codeOf(() => sf.revertSnapshot(c, 'snap-x'))).toBe('SF_SNAPSHOT_NOT_FOUND');
  });

  it('grants iSCSI access on the storage VIP and refuses deleting a volume in use', () => {
    const c = ctx();
    const v = sf.createVolume(c, { name: 'v', sizeBytes: GiB });
    const grant = sf.grantAccess(c, v.id, { hostId: 'h1', initiator: 'iqn.1994-05.com.redhat:h1' });
    expect(grant.target).toEqual({ address: '10.20.0.10', port: 3260, iqn: v.iqn });
    expect(codeOf(() => sf.deleteVolume(c, v.id))).toBe('SF_VOLUME_IN_USE');
    sf.revokeAccess(c, v.id, 'h1');
    sf.deleteVolume(c, v.id);
    expect(sf.stats(c).volumeCount).toBe(0);
    expect(codeOf(() => sf.deleteVolume(c, v.id))).toBe('SF_VOLUME_NOT_FOUND');
  });

  it('attaches hosts cumulatively', () => {
    const c = ctx();
    sf.attach(c, { zoneId: 'z1', hostIds: ['h2'] });
    expect(sf.attach(c, { zoneId: 'z1', hostIds: ['h1', 'h2'] })).toEqual({
      attachedHostIds: ['h1', 'h2'],
    });
  });

  it('explains errors in the caller locale', () => {
    try {
      sf.deleteVolume(ctx('fr'), '42');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        "Le volume 42 n'existe pas sur la grappe 10.10.0.10:443.",
      );
    }
  });

  it('reports its capabilities and forgets clusters on stop', async () => {
    expect(sf.capabilities(ctx())).toMatchObject({
      protocols: ['iscsi'],
      shrink: false,
      qos: true,
    });
    const c = ctx();
    sf.createVolume(c, { name: 'v', sizeBytes: GiB });
    await driver.stop();
    expect(sf.stats(c).volumeCount).toBe(0);
  });
});
