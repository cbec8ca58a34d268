import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fmtMs, report, timeOnce } from '../../../bench/compare.js';
import { buildFixtureCar } from '../src/testing/driver-fixture.js';
import { realDriverManager } from '../src/testing/real-manager.js';

/**
 * Issue 14 benchmark: installing one 5 MB CAR with 500 files (verify + extract + load + start,
 * the path an upload takes once its bytes are on disk) against `unzip` of the same CAR, in the
 * same run. Target ≤ 2×. Reports only; never fails on time.
 */

const run = promisify(execFile);
const FILES = 500;
const BYTES = 5 * 1024 * 1024;
const ROUNDS = 5;
const ID = 'com.example.big';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('install one 5 MB CAR with 500 files', () => {
  let root: string;
  let car: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-install-bench-'));
    // Incompressible payload: the CAR really is ~5 MB.
    const each = Math.floor(BYTES / (FILES - 1));
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < FILES - 1; i++) files[`classes/data/f${i}.bin`] = randomBytes(each);
    car = await buildFixtureCar(root, { id: ID, version: '1.0.0', isolation: 'worker', files });
  }, 120_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('upload install (verify + extract + load + start) vs unzip', async () => {
    const unzip: number[] = [];
    const install: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const out = join(root, `unzip-${r}`);
      unzip.push((await timeOnce(() => run('unzip', ['-q', '-o', car, '-d', out]))).ms);
      const { manager } = realDriverManager({ root: join(root, `install-${r}`), keep: true });
      install.push(
        (await timeOnce(() => manager.install({ kind: 'file', path: car }, 'bench'))).ms,
      );
      await manager.shutdown();
    }
    const u = median(unzip);
    const i = median(install);
    // Each round's install against the unzip just before it: on a shared machine the load
    // swings within seconds, and the two medians alone can come from different loads.
    const ratios = install.map((x, r) => x / (unzip[r] as number));
    const ratio = median(ratios);
    report(`install one ${BYTES / 1024 / 1024} MB CAR with ${FILES} files (median of ${ROUNDS})`, [
      ['unzip (baseline)', fmtMs(u)],
      ['install (worker tier)', `${fmtMs(i)} (${(i / u).toFixed(2)}×)`],
      [
        'per-round ratios',
        `${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')}; median ${ratio.toFixed(2)}×`,
      ],
      ['target', `≤ 2× unzip (${ratio <= 2 ? 'met' : 'NOT met'}, median of the per-round ratios)`],
    ]);
  }, 600_000);
});
