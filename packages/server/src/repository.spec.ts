import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRepository, planInstall, type RepositoryCar } from './repository.js';

const car = (
  id: string,
  category: string,
  requires: RepositoryCar['requires'] = [],
): RepositoryCar => ({
  id,
  version: '1.0.0',
  category,
  requires,
  file: `/repo/${id}.car`,
  name: id,
  isolation: 'worker',
});

describe('planInstall', () => {
  it.each([
    [
      'category order, whatever the listing order',
      [car('kvm', 'hypervisor'), car('nvp', 'network'), car('sf', 'storage')],
      undefined,
      ['nvp', 'sf', 'kvm'],
      [],
    ],
    [
      'dependencies first within a category',
      [car('gw', 'storage', [{ id: 'sf', version: '^1.0.0' }]), car('sf', 'storage')],
      undefined,
      ['sf', 'gw'],
      [],
    ],
    [
      'an unranked category fails alone',
      [car('lb', 'balancer'), car('nvp', 'network')],
      undefined,
      ['nvp'],
      ['lb:CHASSIS_E_ORDER_UNKNOWN_CATEGORY'],
    ],
    [
      'a configured rank places another category',
      [car('kvm', 'hypervisor'), car('lb', 'balancer'), car('nvp', 'network')],
      { balancer: 5 },
      ['nvp', 'kvm', 'lb'],
      [],
    ],
  ] as const)('%s', (_name, cars, ranks, start, failed) => {
    const plan = planInstall(cars, ranks);
    expect(plan.start.map((c) => c.id)).toEqual(start);
    expect(plan.start.every((c) => c.file.endsWith('.car'))).toBe(true);
    expect(plan.failed.map((f) => `${f.car.id}:${f.error.code}`)).toEqual(failed);
  });
});

describe('listRepository', () => {
  it('refuses a file that is not a CAR, ignores other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chassis-example-repo-'));
    try {
      await writeFile(join(dir, 'broken.car'), 'not a zip');
      await writeFile(join(dir, 'notes.txt'), 'ignored');
      const { cars, refused } = await listRepository(dir);
      expect(cars).toEqual([]);
      expect(refused.map((r) => r.file)).toEqual([join(dir, 'broken.car')]);
      expect(refused[0]?.error.code).toMatch(/^CHASSIS_E_CAR_/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says the folder is missing when it is', async () => {
    await expect(listRepository('/nonexistent/chassis-repository')).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_NOT_FOUND',
    });
  });

  it('a folder that cannot be read is a typed error, not "missing" (ELOOP, even for root)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chassis-example-repo-'));
    try {
      const loop = join(dir, 'loop');
      await symlink('loop', loop);
      await expect(listRepository(loop)).rejects.toMatchObject({
        code: 'CHASSIS_E_LOADER_FILE_UNREADABLE',
        details: { dir: loop },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
