import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { TargetFile } from '@tufjs/models';
import type { SignedRevocationList } from '../ca/revocation-format.js';
import { digestFile } from './digest.js';
import { REVOCATIONS_TARGET } from './layout.js';

/** The Chassis data of the revocation target (`custom.chassis.revocations`). */
export interface RevocationsTargetCustom {
  readonly version: number;
  readonly issuer: string;
}

/** The TUF target of the revocation list at `dir/revocations.json`, or `undefined` when absent. */
export async function revocationsTarget(dir: string): Promise<TargetFile | undefined> {
  const file = join(dir, REVOCATIONS_TARGET);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const list = parseRevocationList(text, file);
  const { sha256, length } = await digestFile(file);
  return new TargetFile({
    path: REVOCATIONS_TARGET,
    length,
    hashes: { sha256 },
    unrecognizedFields: {
      custom: {
        chassis: { revocations: { version: list.signed.version, issuer: list.signed.issuer } },
      },
    },
  });
}

/** Parses a revocation list file enough to publish it (the signature is the servers' check). */
export function parseRevocationList(text: string, source: string): SignedRevocationList {
  try {
    const doc = JSON.parse(text) as SignedRevocationList;
    if (doc?.signed?.type !== 'chassis-revocations' || !Number.isSafeInteger(doc.signed.version)) {
      throw new Error('not a chassis-revocations document');
    }
    return doc;
  } catch (cause) {
    throw new ChassisError(
      'CHASSIS_E_CA_REVOCATIONS_INVALID',
      `${source} is not a signed revocation list (the CA's revocations.json)`,
      { details: { file: source }, cause },
    );
  }
}
