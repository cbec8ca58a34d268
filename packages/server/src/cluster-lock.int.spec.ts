import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  ID,
  type MemberConfig,
  serverClusterSuite,
  waitFor,
} from './__fixtures__/cluster-servers.js';

const suite = serverClusterSuite('cluster-lock');

const locked = async (file: string) =>
  (JSON.parse(await readFile(file, 'utf8')) as { drivers: { version: string }[] }).drivers
    .map((d) => d.version)
    .sort();

describe.skipIf(!suite.available)('chassis-server --verify-lock on cluster members', () => {
  beforeAll(suite.setUp);
  afterAll(suite.tearDown);

  it("judges the cluster's installed set, then what the member runs", async () => {
    const url = await suite.pg.createDatabase();
    const dir = suite.dir;
    const start = (name: string, options: MemberConfig = {}) => suite.start(name, url, options);
    const refusal = async (name: string, options: { lock: string; unsigned?: boolean }) => {
      const err = await start(name, options).then(
        () => 'started',
        (e: unknown) => e,
      );
      expect(ChassisError.is(err) ? err.code : err).toBe('CHASSIS_E_LOCK_MISMATCH');
      return err as ChassisError;
    };

    const a = await start('a');
    const car1 = await buildFixtureCar(join(dir, 'cars'), { id: ID, version: '1.0.0' });
    const car2 = await buildFixtureCar(join(dir, 'cars'), { id: ID, version: '1.1.0' });
    await a.s.runtime.install({ kind: 'file', path: car1 }, admin);
    await a.s.lockWritten();
    const lockOne = join(dir, 'one.lock');
    await copyFile(a.s.lockFile, lockOne);
    expect(await locked(lockOne)).toEqual(['1.0.0']);

    // B installed nothing itself: it converges to the cluster's set, which matches.
    const b = await start('b', { lock: lockOne });
    expect(b.lines.join('\n')).toMatch(
      /Install lock .*one\.lock: the cluster's and this member's installed drivers match it/,
    );

    // Installed on B, another member: a member started with the old lock is refused, naming
    // the cluster's set; the refused start leaves no lock file of its own.
    await b.s.runtime.install({ kind: 'file', path: car2 }, admin);
    const stale = await refusal('c', { lock: lockOne });
    expect(stale.details).toMatchObject({
      scope: 'cluster',
      member: 'c',
      extra: [`${ID}@1.1.0`],
      missing: [],
    });
    expect(stale.message).toMatch(/^The cluster's installed set differs from the lock: not locked/);
    await expect(readFile(join(dir, 'c', 'chassis.lock'))).rejects.toMatchObject({
      code: 'ENOENT',
    });

    // A's lock follows the cluster's set (B's install), and a member started with it matches.
    await waitFor("A's lock lists 1.1.0", async () =>
      (await locked(a.s.lockFile)).includes('1.1.0'),
    );
    const lockTwo = join(dir, 'two.lock');
    await copyFile(a.s.lockFile, lockTwo);
    expect(await locked(lockTwo)).toEqual(['1.0.0', '1.1.0']);
    await start('d', { lock: lockTwo });

    // A member whose own trust refuses the (unsigned) driver would not run what the lock says,
    // though the cluster's set matches: refused as on a single server, naming the member.
    const own = await refusal('e', { lock: lockTwo, unsigned: false });
    expect(own.details).toMatchObject({ scope: 'member', member: 'e' });
    // 1.0.0 is active: e tried it and refused it. 1.1.0 is neither active nor bound, so e set it
    // aside at boot without loading it (retired, as d did): it is not what e runs now.
    expect(own.details.missing).toEqual([`${ID}@1.0.0`]);
    expect(own.message).toMatch(/member e does not run it/);
  });
});
