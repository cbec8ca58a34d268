import type { ErrorCode } from '@chassis/kernel';
import { type RawEntry, rawEntries, rawZip } from './raw-zip.js';

/** The ways a zip can lie that each path (verify, upload, folder scan) must refuse alike. */
export type HostileKind =
  | 'data-descriptor-mismatch'
  | 'entry-count-mismatch'
  | 'prefix-bytes'
  | 'name-case-collision'
  | 'name-too-long';

/** Each hostile kind with the code the safe reader refuses it with. */
export const HOSTILE_KINDS: Readonly<Record<HostileKind, ErrorCode>> = Object.freeze({
  'data-descriptor-mismatch': 'CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH',
  'entry-count-mismatch': 'CHASSIS_E_CAR_ENTRY_COUNT_MISMATCH',
  'prefix-bytes': 'CHASSIS_E_CAR_PREFIX_BYTES',
  'name-case-collision': 'CHASSIS_E_CAR_NAME_CASE_COLLISION',
  'name-too-long': 'CHASSIS_E_CAR_NAME_TOO_LONG',
});

const js = Buffer.from('export {};\n');

/**
 * Re-zips the files of a valid CAR (e.g. from `readCarEntries`) byte by byte with one lie of
 * `kind` in it; everything else stays valid, so only the check for that lie can refuse it.
 */
export function hostileCar(files: ReadonlyMap<string, Buffer>, kind: HostileKind): Buffer {
  const entries: RawEntry[] = rawEntries(files);
  switch (kind) {
    case 'data-descriptor-mismatch':
      return rawZip(
        entries.map((e, i) =>
          i === entries.length - 1
            ? { ...e, descriptor: { uncompressedSize: (e.data?.length ?? 0) + 1 } }
            : e,
        ),
      );
    case 'entry-count-mismatch':
      return rawZip([...entries, { name: 'classes/hidden.js', data: js }], {
        declaredCount: entries.length,
      });
    case 'prefix-bytes':
      return rawZip(entries, { prefix: Buffer.from('#!/bin/sh\nexec unzip "$0"\n') });
    case 'name-case-collision':
      // U+017F LATIN SMALL LETTER LONG S folds to "s", and only under full case folding.
      return rawZip([
        ...entries,
        { name: 'classes/\u017fetup.js', data: js },
        { name: 'classes/setup.js', data: js },
      ]);
    case 'name-too-long':
      return rawZip([...entries, { name: `classes/${'n'.repeat(300)}.js`, data: js }]);
  }
}
