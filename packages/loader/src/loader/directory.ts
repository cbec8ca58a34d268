import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDescriptor } from '@chassis/car';
import { ChassisError, type DriverDescriptor } from '@chassis/kernel';

/** What the loader reads from an extracted CAR directory. */
export interface DriverDirectory {
  readonly descriptor: DriverDescriptor;
  readonly messages: Record<string, Record<string, string>>;
}

const LOCALE_FILE = /^([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\.json$/;

/** Reads and validates `driver.yaml` and `resources/messages/*.json` of an extracted CAR. */
export async function readDriverDirectory(dir: string): Promise<DriverDirectory> {
  let text: string;
  try {
    text = await readFile(join(dir, 'driver.yaml'), 'utf8');
  } catch (cause) {
    if (!isAbsent(cause)) throw unreadable(join(dir, 'driver.yaml'), cause);
    throw new ChassisError(
      'CHASSIS_E_LOADER_ENTRY_INVALID',
      `${dir} has no driver.yaml; point the loader at an extracted CAR directory`,
      { details: { dir }, cause },
    );
  }
  const descriptor = parseDescriptor(text, join(dir, 'driver.yaml'));
  return { descriptor, messages: await readMessages(dir) };
}

/** `resources/messages/<locale>.json` → locale → key → text (missing folder: no messages). */
export async function readMessages(dir: string): Promise<Record<string, Record<string, string>>> {
  const folder = join(dir, 'resources', 'messages');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (cause) {
    // No messages folder: a driver without labels. A folder that cannot be read is not that.
    if (isAbsent(cause)) return {};
    throw unreadable(folder, cause);
  }
  const out: Record<string, Record<string, string>> = {};
  for (const name of names.sort()) {
    const locale = LOCALE_FILE.exec(name)?.[1];
    if (!locale) continue;
    try {
      out[locale] = JSON.parse(await readFile(join(folder, name), 'utf8')) as Record<
        string,
        string
      >;
    } catch (cause) {
      throw new ChassisError(
        'CHASSIS_E_LOADER_ENTRY_INVALID',
        `${join(folder, name)} is not valid JSON; fix the message file of this CAR`,
        { details: { file: join(folder, name) }, cause },
      );
    }
  }
  return out;
}

/**
 * Makes `<dir>/node_modules` a relative symlink to `lib/`, so Node's own resolution from
 * `classes/` finds the CAR's bundled dependencies first (each CAR gets its own copies, keyed by
 * their real path under the CAR). Idempotent; a CAR without `lib/` needs no link.
 */
export async function ensureLibLink(dir: string): Promise<void> {
  const lib = await lstatIfPresent(join(dir, 'lib'));
  if (!lib?.isDirectory()) return;
  const existing = await lstatIfPresent(join(dir, 'node_modules'));
  if (existing) return;
  try {
    await symlink('lib', join(dir, 'node_modules'), 'dir');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw new ChassisError(
      'CHASSIS_E_LOADER_CACHE_IO',
      `could not link ${join(dir, 'node_modules')} to lib/: ${(cause as Error).message}`,
      { details: { dir }, cause },
    );
  }
}

/** `ENOENT` (or a file where a folder was expected): the thing is not there. */
function isAbsent(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `lstat`, or `undefined` when absent; any other failure is a typed error naming the path. */
async function lstatIfPresent(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (cause) {
    if (isAbsent(cause)) return undefined;
    throw unreadable(path, cause);
  }
}

function unreadable(path: string, cause: unknown): ChassisError {
  return new ChassisError(
    'CHASSIS_E_LOADER_FILE_UNREADABLE',
    `${path} exists but cannot be read (${(cause as Error).message}); fix its permissions`,
    { details: { file: path }, cause },
  );
}
