import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { compare, report } from '../../../bench/compare.js';
import { sampleFiles, withManifest } from '../src/__fixtures__/driver-project.js';
import { extractCar } from '../src/read.js';
import { writeCar } from '../src/writer.js';

const FILES = 500;
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

/** ~17 KB per file (~10 KB deflated): half incompressible (like minified/bundled code), half repetitive source. */
function fileContent(i: number): Buffer {
  const code = `export function f${i}(x) { return x + ${i}; }\n`.repeat(110);
  return Buffer.concat([Buffer.from(randomBytes(10 * 1024).toString('base64')), Buffer.from(code)]);
}

it.skipIf(!hasUnzip)('read+verify+extract a 5 MB CAR with 500 files vs unzip', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'car-bench-'));
  const files = sampleFiles();
  const extra = FILES - files.size - 1; // MANIFEST.MF is the last one
  for (let i = 0; i < extra; i++) {
    files.set(`lib/pkg${i % 25}/dist/module${i}.js`, fileContent(i));
  }
  const car = path.join(root, 'bench.car');
  await writeCar(withManifest(files), car);
  let n = 0;
  const fresh = () => path.join(root, `out-${n++}`);
  try {
    report('CAR under test', [
      ['files', String(files.size + 1)],
      ['CAR size', `${(statSync(car).size / 1024 / 1024).toFixed(2)} MB`],
    ]);
    await compare({
      title: 'read+verify+extract vs unzip (500 files)',
      baseline: {
        name: 'unzip -o -q',
        fn: () => execFileSync('unzip', ['-o', '-q', car, '-d', fresh()]),
      },
      candidate: { name: 'extractCar', fn: () => extractCar(car, fresh()) },
      target: '≤ 2×',
      meets: (r) => r.ratio <= 2,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
