import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { manifestFor } from '../manifest.js';

/** A SolidFire-like driver.yaml used across the tests. */
export const SAMPLE_YAML = `id: com.example.solidfire
name: SolidFire primary storage
description: Example storage driver
version: 2.1.0
vendor: Example Storage Inc.
license: Apache-2.0
category: storage
entry: classes/index.js
engines: { chassis: "^1.0.0" }
isolation: worker
provides:
  - point: storage.primary
    version: "^1.0.0"
requires: []
properties:
  - key: mVip
    labelKey: solidfire.mvip.label
    descriptionKey: solidfire.mvip.description
    type: string
    required: true
    maxLength: 255
  - key: mPort
    labelKey: solidfire.mport.label
    type: number
    default: 443
  - key: clusterAdminPassword
    labelKey: solidfire.password.label
    descriptionKey: solidfire.password.description
    type: string
    required: true
    secret: true
`;

/** English messages covering every key of {@link SAMPLE_YAML}. */
export const SAMPLE_EN = {
  'solidfire.mvip.label': 'Management VIP',
  'solidfire.mvip.description': 'Cluster management address',
  'solidfire.mport.label': 'Management port',
  'solidfire.password.label': 'Cluster admin password',
  'solidfire.password.description': 'Password of the cluster admin',
};

/** The files of a valid driver project (and of a valid CAR, minus MANIFEST.MF). */
export function sampleFiles(): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['driver.yaml', Buffer.from(SAMPLE_YAML)],
    ['LICENSE', Buffer.from('Apache License 2.0 (test)\n')],
    ['classes/index.js', Buffer.from("export default { provides: { 'storage.primary': {} } };\n")],
    ['classes/util/helpers.js', Buffer.from('export const x = 1;\n')],
    ['resources/messages/en.json', Buffer.from(`${JSON.stringify(SAMPLE_EN, null, 2)}\n`)],
    ['resources/messages/de.json', Buffer.from('{ "solidfire.mvip.label": "Verwaltungs-VIP" }\n')],
  ]);
}

/** `files` plus a MANIFEST.MF listing them: the entries of a valid unsigned CAR. */
export function withManifest(
  files: ReadonlyMap<string, Buffer>,
  id = 'com.example.solidfire',
  version = '2.1.0',
): Map<string, Buffer> {
  return new Map([['META-INF/MANIFEST.MF', manifestFor(id, version, files)], ...files]);
}

/** Writes files under `dir`. */
export function writeFiles(dir: string, files: ReadonlyMap<string, Buffer | string>): void {
  for (const [rel, data] of files) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
}

/** A fresh temp folder and a function removing it. */
export function tempDir(prefix = 'car-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
