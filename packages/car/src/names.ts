import { ChassisError } from '@chassis/kernel';
import { printable } from './layout.js';

/** Longest path component, in UTF-8 bytes, that common file systems accept (ext4, XFS, APFS, NTFS). */
export const MAX_NAME_COMPONENT_BYTES = 255;
/**
 * Longest entry path, in UTF-8 bytes. Linux's `PATH_MAX` is 4096 for the whole path, macOS's
 * 1024; an entry path of at most 1024 bytes leaves room for the extraction root on Linux and is
 * far beyond what a real driver needs.
 */
export const MAX_ENTRY_PATH_BYTES = 1024;

/**
 * Refuses a name no file system would take, before anything is written (an extraction would
 * otherwise fail half-way with a raw `ENAMETOOLONG`): a path component over
 * {@link MAX_NAME_COMPONENT_BYTES} or a whole path over {@link MAX_ENTRY_PATH_BYTES} UTF-8 bytes
 * is `CHASSIS_E_CAR_NAME_TOO_LONG`.
 */
export function assertNameLength(name: string, file?: string): void {
  const total = Buffer.byteLength(name, 'utf8');
  const component = name
    .split('/')
    .reduce((max, seg) => Math.max(max, Buffer.byteLength(seg, 'utf8')), 0);
  if (component <= MAX_NAME_COMPONENT_BYTES && total <= MAX_ENTRY_PATH_BYTES) return;
  const shown = printable(name.length > 80 ? `${name.slice(0, 77)}...` : name);
  const why =
    component > MAX_NAME_COMPONENT_BYTES
      ? `has a path component of ${component} bytes (a file system takes at most ${MAX_NAME_COMPONENT_BYTES})`
      : `is ${total} bytes long (at most ${MAX_ENTRY_PATH_BYTES} in a CAR)`;
  throw new ChassisError(
    'CHASSIS_E_CAR_NAME_TOO_LONG',
    `Entry "${shown}"${file ? ` in ${file}` : ''} ${why}; shorten the file name`,
    {
      details: {
        entry: name,
        ...(file ? { file } : {}),
        componentBytes: component,
        pathBytes: total,
        maxComponentBytes: MAX_NAME_COMPONENT_BYTES,
        maxPathBytes: MAX_ENTRY_PATH_BYTES,
      },
    },
  );
}

/** The key two names are duplicates on: NFC-normalised, without a trailing slash. */
function sameKey(name: string): string {
  const n = name.normalize('NFC');
  return n.endsWith('/') ? n.slice(0, -1) : n;
}

/**
 * The key two names collide on under full Unicode case folding, on the NFC form.
 * JavaScript has no `casefold()`: upper-casing first applies the full (multi-character)
 * mappings (`ß` → `SS`, `ﬁ` → `FI`) and folds the odd lower-case forms (`ſ` → `S`, `ı` → `I`),
 * then lower-casing folds the odd upper-case forms (Kelvin sign `K` → `k`, Ohm sign `Ω` → `ω`).
 * Both names go through the same mapping, so it is at least as coarse as each file system's own
 * folding (HFS+/APFS, NTFS's upcase table, ext4 casefold, SMB): whatever one of them would put
 * on one file collides here.
 */
export function foldKey(name: string): string {
  return sameKey(name).toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * Refuses two entries that would land on the same file on some file system: exact duplicates,
 * Unicode-normalisation variants and a file also used as a folder are
 * `CHASSIS_E_CAR_DUPLICATE_ENTRY`; names that differ only under case folding (`A`/`a`, `ſ`/`s`,
 * `K`/`k`) are `CHASSIS_E_CAR_NAME_CASE_COLLISION`.
 */
export function assertNoCollisions(names: readonly string[], file?: string): void {
  const exact = new Map<string, string>();
  const folded = new Map<string, string>();
  const files = new Map<string, string>();
  const where = file ? ` in ${file}` : '';
  const duplicate = (a: string, b: string): never => {
    throw new ChassisError(
      'CHASSIS_E_CAR_DUPLICATE_ENTRY',
      `Entries "${printable(a)}" and "${printable(b)}"${where} collide (the same name after Unicode normalisation, or a file used as a folder)`,
      { details: { entries: [a, b], ...(file ? { file } : {}) } },
    );
  };
  const caseCollision = (a: string, b: string): never => {
    throw new ChassisError(
      'CHASSIS_E_CAR_NAME_CASE_COLLISION',
      `Entries "${printable(a)}" and "${printable(b)}"${where} differ only in case (under full Unicode case folding); they would be one file on a case-insensitive file system. Rename one`,
      { details: { entries: [a, b], ...(file ? { file } : {}) } },
    );
  };
  for (const name of names) {
    const key = sameKey(name);
    const prior = exact.get(key);
    if (prior !== undefined) {
      // Twin directory entries are harmless (zip -r writes them); anything else is not.
      if (!(prior.endsWith('/') && name.endsWith('/'))) duplicate(prior, name);
      continue;
    }
    exact.set(key, name);
    const fold = foldKey(name);
    const twin = folded.get(fold);
    if (twin !== undefined) caseCollision(twin, name);
    folded.set(fold, name);
    if (!name.endsWith('/')) files.set(fold, name);
  }
  // Folders: one used as a file is a duplicate; two spelled differently but folding alike would
  // merge on a case-insensitive file system.
  const folders = new Map<string, string>();
  for (const name of exact.values()) {
    const parts = sameKey(name).split('/');
    const depth = name.endsWith('/') ? parts.length : parts.length - 1;
    for (let i = 1; i <= depth; i++) {
      const folder = parts.slice(0, i).join('/');
      const fold = foldKey(folder);
      const parent = files.get(fold);
      if (parent !== undefined) duplicate(parent, name);
      const twin = folders.get(fold);
      if (twin === undefined) folders.set(fold, folder);
      else if (twin !== folder) caseCollision(`${twin}/`, `${folder}/`);
    }
  }
}
