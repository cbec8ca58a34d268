import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import { parseDescriptor } from './descriptor.js';
import {
  CERTIFICATE_PATH,
  DESCRIPTOR_PATH,
  LICENSE_PATH,
  MANIFEST_PATH,
  SIGNATURE_PATH,
  UNLISTED_PATHS,
} from './layout.js';
import type { CarLimits } from './limits.js';
import { type Manifest, parseManifest } from './manifest.js';
import {
  assertMessagesComplete,
  type MessageCatalog,
  messageLocale,
  parseMessages,
} from './messages.js';
import type { SafeEntry, SafeZip } from './zip-reader.js';

/** One file of a CAR: path, size and base64 SHA-256 (as in MANIFEST.MF). */
export interface CarEntryInfo {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** A CAR that passed every check: safety, manifest, descriptor, entry module and messages. */
export interface CarArchive {
  readonly file: string;
  /** Hex SHA-256 of the whole CAR file. */
  readonly sha256: string;
  readonly descriptor: DriverDescriptor;
  readonly manifest: Manifest;
  /** The exact MANIFEST.MF bytes (what a signature covers). */
  readonly manifestBytes: Buffer;
  /** `META-INF/SIGNATURE`, when signed. Verifying it is @chassis/repository's job. */
  readonly signature?: Buffer;
  /** `META-INF/CERT.pem`, when signed. */
  readonly certificatePem?: string;
  /** Every file, sorted by path. */
  readonly entries: CarEntryInfo[];
  /** Locale → key → text from `resources/messages/`. */
  readonly messages: MessageCatalog;
}

/**
 * Turns safely-read entries into a {@link CarArchive}: parses driver.yaml and MANIFEST.MF,
 * checks that both name the same driver, that every file is listed with a matching digest and
 * every listed file exists, that the entry module is in `classes/`, and that messages cover
 * every label key. Each failure has its own code and names the file or field at fault.
 */
export function buildArchive(file: string, zip: SafeZip, limits: CarLimits): CarArchive {
  const byPath = new Map<string, SafeEntry>(zip.entries.map((e) => [e.path, e]));
  const descriptorEntry = byPath.get(DESCRIPTOR_PATH);
  if (!descriptorEntry) {
    throw new ChassisError(
      'CHASSIS_E_CAR_DESCRIPTOR_MISSING',
      `${file} has no driver.yaml at its root`,
      {
        details: { file },
      },
    );
  }
  const descriptor = parseDescriptor(
    decodeUtf8(descriptorEntry.data, file, DESCRIPTOR_PATH),
    `${DESCRIPTOR_PATH} in ${file}`,
    limits.maxDescriptorBytes,
  );
  const manifestEntry = byPath.get(MANIFEST_PATH);
  if (!manifestEntry) {
    throw new ChassisError(
      'CHASSIS_E_CAR_MANIFEST_MISSING',
      `${file} has no ${MANIFEST_PATH}; pack it with "chassis car pack"`,
      {
        details: { file },
      },
    );
  }
  const manifest = parseManifest(manifestEntry.data);
  if (manifest.driverId !== descriptor.id || manifest.driverVersion !== descriptor.version) {
    throw new ChassisError(
      'CHASSIS_E_CAR_MANIFEST_ID_MISMATCH',
      `${file}: MANIFEST.MF names ${manifest.driverId}@${manifest.driverVersion} but driver.yaml is ${descriptor.id}@${descriptor.version}`,
      {
        details: {
          file,
          manifest: { id: manifest.driverId, version: manifest.driverVersion },
          descriptor: { id: descriptor.id, version: descriptor.version },
        },
      },
    );
  }
  verifyDigests(file, manifest, byPath);
  if (!byPath.has(LICENSE_PATH)) {
    throw new ChassisError('CHASSIS_E_CAR_LAYOUT', `${file} has no LICENSE file at its root`, {
      details: { file, entry: LICENSE_PATH },
    });
  }
  if (!byPath.has(descriptor.entry)) {
    throw new ChassisError(
      'CHASSIS_E_CAR_ENTRY_MISSING',
      `${file}: driver.yaml names entry "${descriptor.entry}", which the archive does not contain`,
      { details: { file, field: 'entry', entry: descriptor.entry } },
    );
  }
  const messages: MessageCatalog = {};
  for (const e of zip.entries) {
    const locale = messageLocale(e.path);
    if (locale)
      messages[locale] = parseMessages(e.data, `${e.path} in ${file}`, limits.maxMessagesBytes);
  }
  assertMessagesComplete(descriptor, messages, file);
  const signature = byPath.get(SIGNATURE_PATH)?.data;
  const cert = byPath.get(CERTIFICATE_PATH)?.data;
  return {
    file,
    sha256: zip.sha256,
    descriptor,
    manifest,
    manifestBytes: manifestEntry.data,
    ...(signature ? { signature } : {}),
    ...(cert ? { certificatePem: decodeUtf8(cert, file, CERTIFICATE_PATH) } : {}),
    entries: zip.entries
      .map((e) => ({ path: e.path, size: e.data.length, sha256: e.sha256 }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    messages,
  };
}

function verifyDigests(
  file: string,
  manifest: Manifest,
  byPath: ReadonlyMap<string, SafeEntry>,
): void {
  for (const path of byPath.keys()) {
    if (UNLISTED_PATHS.has(path) || manifest.entries.has(path)) continue;
    throw new ChassisError(
      'CHASSIS_E_CAR_MANIFEST_UNLISTED',
      `${file}: "${path}" is in the archive but not in MANIFEST.MF; re-pack the driver`,
      { details: { file, entry: path } },
    );
  }
  for (const [path, digest] of manifest.entries) {
    if (UNLISTED_PATHS.has(path)) {
      throw new ChassisError(
        'CHASSIS_E_CAR_MANIFEST_INVALID',
        `${file}: MANIFEST.MF must not list ${path}`,
        {
          details: { file, entry: path },
        },
      );
    }
    const entry = byPath.get(path);
    if (!entry) {
      throw new ChassisError(
        'CHASSIS_E_CAR_MANIFEST_MISSING_FILE',
        `${file}: MANIFEST.MF lists "${path}", which the archive does not contain`,
        { details: { file, entry: path } },
      );
    }
    if (entry.sha256 !== digest) {
      throw new ChassisError(
        'CHASSIS_E_CAR_DIGEST_MISMATCH',
        `${file}: "${path}" does not match its SHA-256 in MANIFEST.MF (the file was changed after packing)`,
        { details: { file, entry: path, expected: digest, actual: entry.sha256 } },
      );
    }
  }
}

function decodeUtf8(data: Buffer, file: string, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (cause) {
    throw new ChassisError(
      path === DESCRIPTOR_PATH ? 'CHASSIS_E_CAR_DESCRIPTOR_PARSE' : 'CHASSIS_E_CAR_CORRUPT',
      `${path} in ${file} is not valid UTF-8`,
      { details: { file, entry: path }, cause },
    );
  }
}
