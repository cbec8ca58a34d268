import { isUtf8 } from 'node:buffer';
import { ChassisError } from '@chassis/kernel';
import yauzl from 'yauzl';
import { corrupt, describe } from './errors.js';

/** One central-directory record, as the reader checks it (zip64 fields already resolved). */
export interface ZipRecord {
  /** The decoded name (UTF-8 when flagged, CP437 otherwise). */
  readonly path: string;
  /** The exact name bytes, compared with the local header's. */
  readonly rawName: Buffer;
  readonly versionMadeBy: number;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
  readonly externalAttributes: number;
}

/** General-purpose flag: the name is UTF-8. */
const UTF8_NAME = 0x800;

/**
 * Reads every central-directory record with yauzl (strict: it validates the record signatures,
 * the zip64 fields and the declared count as it goes). Names are decoded here from their raw
 * bytes only — never from an Info-ZIP Unicode-path extra field, which another reader might
 * ignore — and yauzl's own name checks are off so that the CAR checks give their typed codes.
 */
export async function readDirectory(file: string, bytes: Buffer): Promise<ZipRecord[]> {
  try {
    const zip = await yauzl.fromBufferPromise(bytes, {
      decodeStrings: false,
      strictFileNames: true,
      validateEntrySizes: false,
    });
    const records: ZipRecord[] = [];
    for await (const e of zip.eachEntry()) {
      const rawName = e.fileNameRaw;
      const utf8 = (e.generalPurposeBitFlag & UTF8_NAME) !== 0;
      if (utf8 && !isUtf8(rawName)) {
        throw corrupt(
          file,
          `an entry name is flagged UTF-8 but is not (${rawName.toString('hex')})`,
        );
      }
      records.push({
        path: utf8
          ? rawName.toString('utf8')
          : yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, rawName, [], true),
        rawName,
        versionMadeBy: e.versionMadeBy,
        flags: e.generalPurposeBitFlag,
        method: e.compressionMethod,
        crc32: e.crc32 >>> 0,
        compressedSize: e.compressedSize,
        uncompressedSize: e.uncompressedSize,
        localHeaderOffset: e.relativeOffsetOfLocalHeader,
        externalAttributes: e.externalFileAttributes,
      });
    }
    return records;
  } catch (cause) {
    if (ChassisError.is(cause)) throw cause;
    throw corrupt(file, `its zip directory cannot be read (${describe(cause)})`, undefined, cause);
  }
}
