import { defineCodes } from './spec.js';

/** Codes owned by `@chassis/car`: archive safety, descriptor and manifest validation. */
export const carCodes = defineCodes({
  CHASSIS_E_CAR_NOT_FOUND: { status: 404, summary: 'The CAR file or folder does not exist' },
  CHASSIS_E_CAR_CORRUPT: { status: 400, summary: 'The archive is truncated or not a valid zip' },
  CHASSIS_E_CAR_ZIP_SLIP: { status: 400, summary: 'An entry path escapes the archive root' },
  CHASSIS_E_CAR_SYMLINK: { status: 400, summary: 'The archive contains a symbolic link' },
  CHASSIS_E_CAR_DUPLICATE_ENTRY: {
    status: 400,
    summary: 'Two entries have the same (normalised) name',
  },
  CHASSIS_E_CAR_LAYOUT: {
    status: 400,
    summary: 'An entry is outside the allowed top-level layout',
  },
  CHASSIS_E_CAR_TOO_MANY_ENTRIES: {
    status: 413,
    summary: 'The archive has more entries than allowed',
  },
  CHASSIS_E_CAR_TOO_LARGE: {
    status: 413,
    summary: 'The archive expands to more bytes than allowed',
  },
  CHASSIS_E_CAR_COMPRESSION_RATIO: {
    status: 413,
    summary: 'An entry compresses suspiciously well (zip bomb)',
  },
  CHASSIS_E_CAR_ENCRYPTED: { status: 400, summary: 'The archive contains encrypted entries' },
  CHASSIS_E_CAR_DESCRIPTOR_MISSING: { status: 400, summary: 'driver.yaml is missing' },
  CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE: { status: 413, summary: 'driver.yaml is over the size cap' },
  CHASSIS_E_CAR_DESCRIPTOR_PARSE: {
    status: 400,
    summary: 'driver.yaml is not valid YAML (or uses aliases)',
  },
  CHASSIS_E_CAR_DESCRIPTOR_INVALID: {
    status: 422,
    summary: 'driver.yaml does not match the schema',
  },
  CHASSIS_E_CAR_MESSAGES_MISSING: {
    status: 422,
    summary: 'Label or description keys are missing from messages',
  },
  CHASSIS_E_CAR_MANIFEST_MISSING: { status: 400, summary: 'META-INF/MANIFEST.MF is missing' },
  CHASSIS_E_CAR_MANIFEST_INVALID: {
    status: 400,
    summary: 'MANIFEST.MF cannot be parsed or lacks a header',
  },
  CHASSIS_E_CAR_MANIFEST_UNLISTED: {
    status: 400,
    summary: 'A file in the archive is not listed in MANIFEST.MF',
  },
  CHASSIS_E_CAR_MANIFEST_MISSING_FILE: {
    status: 400,
    summary: 'MANIFEST.MF lists a file the archive does not have',
  },
  CHASSIS_E_CAR_DIGEST_MISMATCH: {
    status: 400,
    summary: "A file's SHA-256 does not match MANIFEST.MF",
  },
  CHASSIS_E_CAR_MANIFEST_ID_MISMATCH: {
    status: 400,
    summary: 'MANIFEST.MF driver id/version disagree with driver.yaml',
  },
  CHASSIS_E_CAR_ENTRY_MISSING: {
    status: 422,
    summary: 'The entry module named in driver.yaml is not in classes/',
  },
  CHASSIS_E_CAR_PACK_INVALID: {
    status: 400,
    summary: 'The folder to pack is not a valid driver project',
  },
  CHASSIS_E_CAR_INIT_EXISTS: { status: 409, summary: 'The folder to scaffold into is not empty' },
  CHASSIS_E_CAR_MESSAGES_INVALID: {
    status: 422,
    summary: 'A resources/messages/<locale>.json file is not a flat JSON object of strings',
  },
  CHASSIS_E_CAR_UNSUPPORTED_ENTRY: {
    status: 400,
    summary: 'An entry uses a zip feature CARs do not allow (compression method, multi-disk)',
  },
  CHASSIS_E_CAR_EXTRACT_DEST_EXISTS: {
    status: 409,
    summary: 'The extraction destination already exists and is not empty',
  },
  CHASSIS_E_CAR_DATA_DESCRIPTOR_MISMATCH: {
    status: 400,
    summary:
      "An entry's data descriptor or local header disagrees with the central directory (sizes, CRC-32)",
  },
  CHASSIS_E_CAR_ENTRY_COUNT_MISMATCH: {
    status: 400,
    summary:
      'The end-of-central-directory entry count disagrees with the records present (a hidden entry)',
  },
  CHASSIS_E_CAR_PREFIX_BYTES: {
    status: 400,
    summary:
      'Bytes precede the first local header (a self-extractor stub the signature does not cover)',
  },
  CHASSIS_E_CAR_NAME_CASE_COLLISION: {
    status: 400,
    summary: 'Two entry names differ only in case (under full Unicode case folding)',
  },
  CHASSIS_E_CAR_NAME_TOO_LONG: {
    status: 400,
    summary:
      'An entry name is too long for a file system (a component over 255 bytes, or the path)',
  },
  CHASSIS_E_CAR_FILE_UNREADABLE: {
    status: 500,
    summary:
      'A CAR or a file of the project to pack exists but cannot be read (permissions, I/O); it is not treated as absent',
  },
});
