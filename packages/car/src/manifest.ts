import { createHash } from 'node:crypto';
import { ChassisError } from '@chassis/kernel';
import { MANIFEST_PATH } from './layout.js';

/** The parsed `META-INF/MANIFEST.MF`. */
export interface Manifest {
  readonly manifestVersion: string;
  readonly driverId: string;
  readonly driverVersion: string;
  /** Path → base64 SHA-256 of every listed file. */
  readonly entries: ReadonlyMap<string, string>;
  /** Every header of the main section, in file order (including the three above). */
  readonly mainAttributes: ReadonlyMap<string, string>;
}

/** Header names of the main section. */
export const MANIFEST_HEADERS = {
  version: 'Manifest-Version',
  driverId: 'Chassis-Driver-Id',
  driverVersion: 'Chassis-Driver-Version',
  name: 'Name',
  digest: 'SHA-256-Digest',
} as const;

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const MAX_LINE_BYTES = 72;

function invalid(message: string, details: Record<string, unknown> = {}): ChassisError {
  return new ChassisError('CHASSIS_E_CAR_MANIFEST_INVALID', `${MANIFEST_PATH}: ${message}`, {
    details: { file: MANIFEST_PATH, ...details },
  });
}

/**
 * Parses JAR-manifest syntax: `Name: value` headers, continuation lines starting with one
 * space, sections separated by blank lines, CRLF/LF/CR line ends. The main section must carry
 * `Manifest-Version`, `Chassis-Driver-Id` and `Chassis-Driver-Version`; every other section a
 * `Name` and a `SHA-256-Digest`. Throws `CHASSIS_E_CAR_MANIFEST_INVALID` naming the line.
 */
export function parseManifest(bytes: Buffer | string): Manifest {
  let text: string;
  try {
    text =
      typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid('is not valid UTF-8');
  }
  const lines = text.split(/\r\n|\n|\r/);
  const sections: Array<Array<[string, string, number]>> = [[]];
  let last: [string, string, number] | undefined;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line === '') {
      if (sections[sections.length - 1].length > 0) sections.push([]);
      last = undefined;
      return;
    }
    if (line.startsWith(' ')) {
      if (!last) throw invalid(`line ${lineNo} continues nothing`, { line: lineNo });
      last[1] += line.slice(1);
      return;
    }
    const colon = line.indexOf(': ');
    const name = colon === -1 ? '' : line.slice(0, colon);
    if (!HEADER_NAME.test(name)) {
      throw invalid(`line ${lineNo} is not a "Name: value" header`, { line: lineNo });
    }
    last = [name, line.slice(colon + 2), lineNo];
    sections[sections.length - 1].push(last);
  });
  if (sections[sections.length - 1].length === 0) sections.pop();
  const [main = [], ...rest] = sections;
  const mainAttributes = new Map<string, string>();
  for (const [name, value, line] of main) {
    if (mainAttributes.has(name))
      throw invalid(`header "${name}" repeats (line ${line})`, { line });
    mainAttributes.set(name, value);
  }
  const need = (h: string): string => {
    const v = mainAttributes.get(h);
    if (!v) throw invalid(`the main section lacks "${h}"`, { header: h });
    return v;
  };
  const manifestVersion = need(MANIFEST_HEADERS.version);
  const driverId = need(MANIFEST_HEADERS.driverId);
  const driverVersion = need(MANIFEST_HEADERS.driverVersion);
  const entries = new Map<string, string>();
  for (const section of rest) {
    const attrs = new Map(section.map(([n, v]) => [n, v]));
    const line = section[0][2];
    const name = attrs.get(MANIFEST_HEADERS.name);
    const digest = attrs.get(MANIFEST_HEADERS.digest);
    if (!name) throw invalid(`the section at line ${line} has no "Name"`, { line });
    if (!digest || !/^[A-Za-z0-9+/]{43}=$/.test(digest)) {
      throw invalid(`"${name}" has no valid "SHA-256-Digest" (base64 of 32 bytes)`, {
        line,
        entry: name,
      });
    }
    if (entries.has(name)) throw invalid(`"${name}" is listed twice`, { line, entry: name });
    entries.set(name, digest);
  }
  return { manifestVersion, driverId, driverVersion, entries, mainAttributes };
}

/**
 * Writes a manifest in JAR syntax with CRLF line ends and lines folded at 72 bytes (never
 * inside a UTF-8 sequence). The main section comes first (the three Chassis headers, then any
 * other main attributes in order), then one section per entry sorted by path. Deterministic.
 */
export function serializeManifest(m: Manifest): Buffer {
  const out: string[] = [];
  const main = new Map<string, string>([
    [MANIFEST_HEADERS.version, m.manifestVersion],
    [MANIFEST_HEADERS.driverId, m.driverId],
    [MANIFEST_HEADERS.driverVersion, m.driverVersion],
  ]);
  for (const [k, v] of m.mainAttributes) if (!main.has(k)) main.set(k, v);
  for (const [k, v] of main) out.push(...fold(`${k}: ${v}`));
  out.push('');
  for (const path of [...m.entries.keys()].sort(comparePaths)) {
    out.push(...fold(`${MANIFEST_HEADERS.name}: ${path}`));
    out.push(...fold(`${MANIFEST_HEADERS.digest}: ${m.entries.get(path)}`));
    out.push('');
  }
  return Buffer.from(`${out.join('\r\n')}\r\n`, 'utf8');
}

/** Makes a manifest for a driver from its files (every file except the unlisted ones). */
export function createManifest(
  driverId: string,
  driverVersion: string,
  digests: ReadonlyMap<string, string>,
): Manifest {
  return {
    manifestVersion: '1.0',
    driverId,
    driverVersion,
    entries: new Map([...digests].sort(([a], [b]) => comparePaths(a, b))),
    mainAttributes: new Map([['Created-By', 'chassis car']]),
  };
}

/**
 * The `META-INF/MANIFEST.MF` bytes for a driver's files: the base64 SHA-256 of each file, in
 * path order. `collectProject`/`packCar` write exactly this; tests use it to build CARs from
 * files in memory. `files` must not contain the manifest itself (nor a signature).
 */
export function manifestFor(
  driverId: string,
  driverVersion: string,
  files: ReadonlyMap<string, Uint8Array>,
): Buffer {
  const digests = new Map<string, string>();
  for (const [p, data] of files) digests.set(p, createHash('sha256').update(data).digest('base64'));
  return serializeManifest(createManifest(driverId, driverVersion, digests));
}

/** Code-unit order of paths: stable on every platform and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits one header line into ≤ 72-byte lines; continuation lines start with one space. */
function fold(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > MAX_LINE_BYTES) {
      out.push(current);
      current = ' ';
      bytes = 1;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out;
}
