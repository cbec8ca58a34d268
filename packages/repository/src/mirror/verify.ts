import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { digestFile } from '../repo/digest.js';
import { consistentTargetPaths, REVOCATIONS_TARGET } from '../repo/layout.js';
import { statIfPresent } from '../repo/stat-present.js';
import { RepositoryClient } from '../tuf/client.js';

/** What {@link verifyMirror} found in a complete, valid mirror. */
export interface MirrorReport {
  readonly drivers: number;
  readonly bytes: number;
  readonly rootVersion: number;
  readonly timestampVersion: number;
  /** When the mirror turns stale unless it is re-synced. */
  readonly expires: string;
}

/**
 * Verifies a mirror folder as a client would, plus every CAR: TUF metadata against
 * `trustedRoot` (signatures, versions, expiry), then each listed CAR present with its signed
 * digest, under its plain and its consistent (hash-prefixed) name. A half-synced mirror fails with `CHASSIS_E_REPO_MIRROR_INCOMPLETE` (details list the
 * missing CARs), a stale one with `CHASSIS_E_REPO_FREEZE`, a corrupt CAR with
 * `CHASSIS_E_REPO_TARGET_INVALID`.
 */
export async function verifyMirror(
  dir: string,
  trustedRoot: string | Uint8Array,
): Promise<MirrorReport> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'chassis-verify-'));
  const client = new RepositoryClient({ url: dir, trustedRoot, cacheDir });
  try {
    const drivers = await client.refresh().catch((err) => {
      if (ChassisError.is(err, 'CHASSIS_E_REPO_NOT_FOUND')) {
        throw new ChassisError(
          'CHASSIS_E_REPO_MIRROR_INCOMPLETE',
          `${dir} has no timestamp.json: the mirror never finished; run "chassis repo mirror" again`,
          { details: { dir }, cause: err },
        );
      }
      throw err;
    });
    const missing: string[] = [];
    for (const d of drivers) {
      // The plain name (older Chassis clients) and the consistent name standard TUF clients fetch.
      for (const path of [d.path, ...consistentTargetPaths(d.path, { sha256: d.sha256 })]) {
        const file = join(dir, path);
        const st = await statIfPresent(file);
        if (!st?.isFile()) {
          missing.push(path);
          continue;
        }
        const got = await digestFile(file);
        if (got.sha256 !== d.sha256 || got.length !== d.length) {
          throw new ChassisError(
            'CHASSIS_E_REPO_TARGET_INVALID',
            `${path} (${d.id}@${d.version}) in ${dir} does not match its signed digest; re-run the mirror`,
            { details: { dir, driver: d.id, version: d.version, path } },
          );
        }
      }
    }
    // The CA's revocation list, when published, must be there too (checked by TUF on the way).
    await client.revocations().catch((err) => {
      if (ChassisError.is(err, 'CHASSIS_E_REPO_MIRROR_INCOMPLETE')) {
        missing.push(REVOCATIONS_TARGET);
        return;
      }
      throw err;
    });
    if (missing.length) {
      throw new ChassisError(
        'CHASSIS_E_REPO_MIRROR_INCOMPLETE',
        `${dir} lacks ${missing.length} CAR(s) its metadata lists; re-run the mirror`,
        { details: { dir, missing } },
      );
    }
    const ts = JSON.parse((await client.trustedMetadata('timestamp.json')).toString('utf8'));
    const root = JSON.parse((await client.trustedMetadata('root.json')).toString('utf8'));
    return {
      drivers: drivers.length,
      bytes: drivers.reduce((n, d) => n + d.length, 0),
      rootVersion: root.signed.version,
      timestampVersion: ts.signed.version,
      expires: ts.signed.expires,
    };
  } finally {
    client.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}
