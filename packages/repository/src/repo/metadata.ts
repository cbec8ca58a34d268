import {
  Metadata,
  MetaFile,
  Root,
  Snapshot,
  type TargetFile,
  Targets,
  Timestamp,
} from '@tufjs/models';
import { ROLE_NAMES, type RoleName, signerFor } from '../tuf/keys.js';
import type { RoleKeys } from './keys-store.js';

/** Lifetime of each role's metadata, in seconds. */
export type Expiry = Record<RoleName, number>;

const DAY = 24 * 3600;

/**
 * Default lifetimes. The timestamp is short on purpose: a mirror that stops syncing turns
 * stale within a week and clients refuse it (freeze protection); `repo index` re-signs it.
 */
export const DEFAULT_EXPIRY: Expiry = {
  root: 365 * DAY,
  targets: 90 * DAY,
  snapshot: 30 * DAY,
  timestamp: 7 * DAY,
};

/** TUF date format (seconds precision, `Z`). */
export function expiresAt(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Serialised metadata as written to disk. */
export function metadataBytes(md: Metadata<Root | Targets | Snapshot | Timestamp>): string {
  return `${JSON.stringify(md.toJSON(), null, 2)}\n`;
}

/** Root metadata naming the current role keys, signed by `keys.root` and any `extraSigners`. */
export function buildRoot(
  keys: RoleKeys,
  version: number,
  expires: string,
  extraSigners: readonly RoleKeys['root'][] = [],
): Metadata<Root> {
  const root = new Root({ version, expires, specVersion: '1.0.31', consistentSnapshot: true });
  for (const role of ROLE_NAMES) root.addKey(keys[role].key, role);
  const md = new Metadata(root);
  md.sign(signerFor(keys.root), true);
  for (const signer of extraSigners) md.sign(signerFor(signer), true);
  return md;
}

/** Signed targets metadata listing `targets`. */
export function buildTargets(
  keys: RoleKeys,
  version: number,
  expires: string,
  targets: readonly TargetFile[],
): Metadata<Targets> {
  const t = new Targets({ version, expires, specVersion: '1.0.31' });
  for (const target of [...targets].sort((a, b) => a.path.localeCompare(b.path)))
    t.addTarget(target);
  const md = new Metadata(t);
  md.sign(signerFor(keys.targets), false);
  return md;
}

/** Signed snapshot pointing at `targetsVersion`. */
export function buildSnapshot(
  keys: RoleKeys,
  version: number,
  expires: string,
  targetsVersion: number,
): Metadata<Snapshot> {
  const s = new Snapshot({
    version,
    expires,
    specVersion: '1.0.31',
    meta: { 'targets.json': new MetaFile({ version: targetsVersion }) },
  });
  const md = new Metadata(s);
  md.sign(signerFor(keys.snapshot), false);
  return md;
}

/** Signed timestamp pointing at `snapshotVersion`. */
export function buildTimestamp(
  keys: RoleKeys,
  version: number,
  expires: string,
  snapshotVersion: number,
): Metadata<Timestamp> {
  const ts = new Timestamp({
    version,
    expires,
    specVersion: '1.0.31',
    snapshotMeta: new MetaFile({ version: snapshotVersion }),
  });
  const md = new Metadata(ts);
  md.sign(signerFor(keys.timestamp), false);
  return md;
}
