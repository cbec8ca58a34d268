import { ChassisError } from '@chassis/kernel';

/** The MANIFEST's own path. */
export const MANIFEST_PATH = 'META-INF/MANIFEST.MF';
/** Detached signature over the exact MANIFEST.MF bytes (written by the repository tooling). */
export const SIGNATURE_PATH = 'META-INF/SIGNATURE';
/** Vendor certificate chain (PEM). */
export const CERTIFICATE_PATH = 'META-INF/CERT.pem';
/** The driver descriptor. */
export const DESCRIPTOR_PATH = 'driver.yaml';
/** The license text. */
export const LICENSE_PATH = 'LICENSE';
/** Folder of message files, one `<locale>.json` each. */
export const MESSAGES_DIR = 'resources/messages/';

/** Files MANIFEST.MF does not list (like a JAR's signature files): they are about the manifest. */
export const UNLISTED_PATHS: ReadonlySet<string> = new Set([
  MANIFEST_PATH,
  SIGNATURE_PATH,
  CERTIFICATE_PATH,
]);

/** Top-level files a CAR may hold. */
const TOP_FILES = new Set([DESCRIPTOR_PATH, LICENSE_PATH]);
/** Top-level folders a CAR may hold. */
const TOP_DIRS = new Set(['META-INF', 'lib', 'classes', 'resources']);

/**
 * Checks one entry name against path traversal: absolute paths, drive letters, backslashes,
 * `.`/`..` segments, empty segments and control characters are all refused with
 * `CHASSIS_E_CAR_ZIP_SLIP` before anything could touch a disk.
 */
export function assertSafePath(name: string, file?: string): void {
  const fail = (why: string): never => {
    throw new ChassisError(
      'CHASSIS_E_CAR_ZIP_SLIP',
      `Entry "${printable(name)}"${file ? ` in ${file}` : ''} ${why}; a CAR holds only relative paths under its root`,
      { details: { entry: name, ...(file ? { file } : {}), reason: why } },
    );
  };
  if (name.length === 0) fail('has an empty name');
  if (name.includes('\\')) fail('contains a backslash');
  if ([...name].some(isControl)) fail('contains a control character');
  if (name.startsWith('/')) fail('is an absolute path');
  if (/^[A-Za-z]:/.test(name)) fail('starts with a drive letter');
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const seg of segments) {
    if (seg === '..') fail('climbs out with ".."');
    if (seg === '.') fail('contains a "." segment');
    if (seg === '') fail('contains an empty path segment');
  }
}

/**
 * Checks that an entry sits in the allowed top-level layout (`META-INF/`, `driver.yaml`,
 * `LICENSE`, `lib/`, `classes/`, `resources/`); `CHASSIS_E_CAR_LAYOUT` otherwise.
 */
export function assertLayout(name: string, file?: string): void {
  const isDir = name.endsWith('/');
  const top = name.split('/')[0];
  const nested = name.indexOf('/') !== -1 && name.indexOf('/') < name.length - 1;
  const ok = isDir || nested ? TOP_DIRS.has(top) : TOP_FILES.has(name);
  if (!ok) {
    throw new ChassisError(
      'CHASSIS_E_CAR_LAYOUT',
      `Entry "${printable(name)}"${file ? ` in ${file}` : ''} is outside the CAR layout; allowed: META-INF/, driver.yaml, LICENSE, lib/, classes/, resources/`,
      { details: { entry: name, ...(file ? { file } : {}) } },
    );
  }
}

/** Escapes control characters so a hostile name cannot garble a terminal. */
export function printable(name: string): string {
  return [...name]
    .map((c) => (isControl(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c))
    .join('');
}

function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
