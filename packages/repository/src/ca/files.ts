import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** File names inside a CA folder. */
export const CA_FILES = {
  /** The CA certificate (public; operators configure it as the trust anchor). */
  cert: 'ca.pem',
  /** The CA private key, PKCS#8 PEM, mode 0600. */
  key: 'ca.key',
  /** The signed revocation list published in repository metadata. */
  revocations: 'revocations.json',
} as const;

/** Absolute-ish path of one CA file. */
export function caPath(dir: string, file: keyof typeof CA_FILES): string {
  return join(dir, CA_FILES[file]);
}

/**
 * Writes `data` to `file` atomically: a temporary sibling is written and fsynced, then renamed
 * over the target, so readers see the old or the new content and never half of one.
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Creates `file` exclusively (fails with EEXIST if present) with `mode`, and fsyncs it. */
export async function writeFileExclusive(file: string, data: string, mode: number): Promise<void> {
  const handle = await open(file, 'wx', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
