import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ChassisError } from '@chassis/kernel';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleFiles, tempDir, withManifest } from './__fixtures__/driver-project.js';
import { readCar } from './read.js';
import { rawEntries, rawZip } from './testing/raw-zip.js';

describe('safe reader under random corruption', () => {
  const tmp = tempDir('car-fuzz-');
  afterAll(() => tmp.cleanup());
  const valid = rawZip(rawEntries(withManifest(sampleFiles())));

  it('either accepts a mutated archive or refuses it with a ChassisError, never anything else', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ at: fc.nat({ max: valid.length - 1 }), value: fc.nat({ max: 255 }) }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.nat({ max: 64 }),
        async (patches, cut) => {
          const bytes = Buffer.from(valid);
          for (const p of patches) bytes[p.at] = p.value;
          const file = path.join(tmp.dir, `m${n++}.car`);
          writeFileSync(file, cut > 48 ? bytes.subarray(0, bytes.length - cut) : bytes);
          const outcome = await readCar(file).then(
            () => 'ok',
            (err: unknown) => err,
          );
          if (outcome !== 'ok') expect(ChassisError.is(outcome), String(outcome)).toBe(true);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});
