import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { assertLayout, assertSafePath, MANIFEST_PATH } from './layout.js';
import { comparePaths } from './manifest.js';
import { assertNameLength, assertNoCollisions } from './names.js';

/**
 * The DOS timestamp every entry gets: 2000-01-01 00:00:00, built from local-time fields because
 * DOS timestamps are local; this makes the stored bytes the same in every time zone. (Not
 * 1980-01-01: yazl clamps to its own 1980 minimum, computed in the zone it was loaded in.)
 */
const FIXED_MTIME = () => new Date(2000, 0, 1, 0, 0, 0);
/** Regular file, rw-r--r--. */
const FILE_MODE = 0o100644;

/** The order entries are written in: MANIFEST.MF first (as in a JAR), then by path. */
export function carEntryOrder(paths: Iterable<string>): string[] {
  return [...paths].sort((a, b) =>
    a === MANIFEST_PATH ? -1 : b === MANIFEST_PATH ? 1 : comparePaths(a, b),
  );
}

/**
 * Writes a reproducible CAR: entries sorted (MANIFEST.MF first), a fixed timestamp, fixed
 * modes, no extra fields, deflate at the default level, so the same entries give byte-identical
 * files. Paths are checked like the reader checks them. The file is written to a temp sibling
 * and renamed into place. Returns the hex SHA-256 of the file.
 */
export async function writeCar(
  entries: ReadonlyMap<string, Buffer>,
  outFile: string,
): Promise<{ sha256: string }> {
  const names = [...entries.keys()];
  for (const name of names) {
    assertSafePath(name, outFile);
    assertNameLength(name, outFile);
    assertLayout(name, outFile);
  }
  assertNoCollisions(names, outFile);
  const zip = new yazl.ZipFile();
  for (const name of carEntryOrder(names)) {
    zip.addBuffer(entries.get(name)!, name, {
      mtime: FIXED_MTIME(),
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  const out = path.resolve(outFile);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const temp = path.join(
    path.dirname(out),
    `.${path.basename(out)}.tmp-${randomBytes(6).toString('hex')}`,
  );
  const chunks: Buffer[] = [];
  await pipeline(
    zip.outputStream,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
  );
  const bytes = Buffer.concat(chunks);
  try {
    await fs.writeFile(temp, bytes, { flag: 'wx', mode: 0o644 });
    await fs.rename(temp, out);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  return { sha256: createHash('sha256').update(bytes).digest('hex') };
}
