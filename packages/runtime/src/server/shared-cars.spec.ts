import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { type SharedCarStore, sharedCarKeeper, sharedCarRef } from './shared-cars.js';

/** A shared store in memory that a test can damage behind the keeper's back. */
function memoryStore(): SharedCarStore & { bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  return {
    bytes,
    async put(b) {
      const sha = createHash('sha256').update(b).digest('hex');
      bytes.set(sha, new Uint8Array(b));
      return sha;
    },
    async get(sha) {
      return bytes.get(sha);
    },
  };
}

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'chassis-shared-cars-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('sharedCarKeeper', () => {
  it('keeps a CAR in the shared store; another member fetches its own copy, digest checked', async () => {
    const store = memoryStore();
    const src = join(await tmp(), 'x.car');
    await writeFile(src, 'PK car bytes');
    const sha256 = createHash('sha256').update('PK car bytes').digest('hex');
    const a = sharedCarKeeper(store, await tmp());
    const ref = await a.keep({ file: src, sha256, descriptor: {} as DriverDescriptor });
    expect(ref).toBe(sharedCarRef(sha256));
    await rm(src);
    const bDir = await tmp();
    const b = sharedCarKeeper(store, bDir);
    const path = await b.fetch({ version: '1.0.0', sha256, car: ref });
    expect(path).toBe(join(bDir, `${sha256}.car`));
    expect(await readFile(path, 'utf8')).toBe('PK car bytes');
    // A damaged local copy is not trusted either: fetched again from the store.
    await writeFile(path, 'tampered');
    expect(await readFile(await b.fetch({ version: '1.0.0', sha256, car: ref }), 'utf8')).toBe(
      'PK car bytes',
    );
  });

  it('refuses a shared copy whose bytes do not match the recorded digest', async () => {
    const store = memoryStore();
    const sha256 = createHash('sha256').update('good').digest('hex');
    store.bytes.set(sha256, new TextEncoder().encode('evil'));
    const b = sharedCarKeeper(store, await tmp());
    const err = await b.fetch({ version: '1.0.0', sha256, car: '' }).catch((e: unknown) => e);
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CAR_STORE_DIGEST');
    const missing = await b
      .fetch({ version: '1.0.0', sha256: 'f'.repeat(64), car: '' })
      .catch((e: unknown) => e);
    expect(ChassisError.is(missing) && missing.code).toBe('CHASSIS_E_UPGRADE_NOT_INSTALLED');
  });
});
