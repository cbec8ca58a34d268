import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFiles, tempDir, writeFiles } from './__fixtures__/driver-project.js';
import { inspectCar } from './inspect.js';
import { packCar } from './pack.js';
import { extractCar, readCar, readCarEntries, verifyCar } from './read.js';
import { writeCar } from './writer.js';

const hasZip = spawnSync('zip', ['-v']).status === 0;
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

describe('pack → verify → read → extract', () => {
  const tmp = tempDir();
  const project = path.join(tmp.dir, 'project');
  let carFile: string;

  beforeAll(async () => {
    writeFiles(project, sampleFiles());
    // Not part of the CAR layout: left out by pack.
    writeFiles(
      project,
      new Map([
        ['src/index.ts', 'export {}\n'],
        ['package.json', '{}\n'],
      ]),
    );
    carFile = (await packCar(project, { out: path.join(tmp.dir, 'out', 'sf.car') })).file;
  });
  afterAll(() => tmp.cleanup());

  it('round-trips every file and the descriptor', async () => {
    const car = await verifyCar(carFile);
    expect(car.descriptor.id).toBe('com.example.solidfire');
    expect(car.manifest.driverVersion).toBe('2.1.0');
    expect(car.entries.map((e) => e.path)).toEqual([
      'LICENSE',
      'META-INF/MANIFEST.MF',
      'classes/index.js',
      'classes/util/helpers.js',
      'driver.yaml',
      'resources/messages/de.json',
      'resources/messages/en.json',
    ]);
    expect(car.messages.de['solidfire.mvip.label']).toBe('Verwaltungs-VIP');
    expect(car.signature).toBeUndefined();
    const entries = await readCarEntries(carFile);
    for (const [p, data] of sampleFiles()) expect(entries.get(p)).toEqual(data);
    expect(entries.get('META-INF/MANIFEST.MF')).toEqual(car.manifestBytes);
  });

  it('is reproducible: packing the same folder twice gives identical bytes', async () => {
    const again = await packCar(project, { out: path.join(tmp.dir, 'again.car') });
    expect(readFileSync(again.file)).toEqual(readFileSync(carFile));
    expect(again.sha256).toBe((await readCar(carFile)).sha256);
  });

  it('is reproducible across time zones (DOS timestamps are local)', async () => {
    const entries = await readCarEntries(carFile);
    const saved = process.env.TZ;
    const hashes: string[] = [];
    try {
      for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles']) {
        process.env.TZ = tz;
        hashes.push(
          (await writeCar(entries, path.join(tmp.dir, `tz-${hashes.length}.car`))).sha256,
        );
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toBe((await readCar(carFile)).sha256);
  });

  it('writeCar re-packs read entries (e.g. with a signature added) into a sound CAR', async () => {
    const entries = await readCarEntries(carFile);
    entries.set('META-INF/SIGNATURE', Buffer.from([1, 2, 3]));
    entries.set('META-INF/CERT.pem', Buffer.from('-----BEGIN CERTIFICATE-----\n'));
    const out = path.join(tmp.dir, 'signed.car');
    const { sha256 } = await writeCar(entries, out);
    const car = await readCar(out);
    expect(car.sha256).toBe(sha256);
    expect(car.signature).toEqual(Buffer.from([1, 2, 3]));
    expect(car.certificatePem).toContain('BEGIN CERTIFICATE');
    expect((await inspectCar(out)).signature).toBe('signed (not verified here)');
  });

  it('extracts into a fresh folder atomically', async () => {
    const dest = path.join(tmp.dir, 'extracted', 'sf');
    const car = await extractCar(carFile, dest);
    expect(car.descriptor.version).toBe('2.1.0');
    expect(readFileSync(path.join(dest, 'classes/util/helpers.js'), 'utf8')).toContain('x = 1');
    expect(readdirSync(path.dirname(dest))).toEqual(['sf']);
  });

  it('refuses to extract over a non-empty folder and leaves it alone', async () => {
    const dest = path.join(tmp.dir, 'busy');
    writeFiles(dest, new Map([['keep.txt', 'mine']]));
    await expect(extractCar(carFile, dest)).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_EXTRACT_DEST_EXISTS',
    });
    expect(readdirSync(dest)).toEqual(['keep.txt']);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it.skipIf(!hasUnzip)('writes archives Info-ZIP accepts (unzip -t)', () => {
    const out = execFileSync('unzip', ['-t', carFile], { encoding: 'utf8' });
    expect(out).toMatch(/No errors detected/);
  });

  it.skipIf(!hasZip)('accepts a CAR made with Info-ZIP zip -r from a laid-out folder', async () => {
    const laidOut = path.join(tmp.dir, 'laid-out');
    await extractCar(carFile, laidOut);
    const zipped = path.join(tmp.dir, 'zipped.car');
    execFileSync('zip', ['-q', '-r', '-X', zipped, '.'], { cwd: laidOut });
    const car = await verifyCar(zipped);
    expect(car.descriptor.id).toBe('com.example.solidfire');
    expect(existsSync(zipped)).toBe(true);
  });
});
