// Test CARs: a small valid driver, written with @chassis/car's reproducible writer.
import { manifestFor, writeCar } from '@chassis/car';

export function driverYaml(id: string): string {
  return `id: ${id}
name: Test storage
version: 1.0.0
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
    labelKey: test.mvip.label
    type: string
    required: true
`;
}

/** The files of a valid driver (no MANIFEST.MF). */
export function driverFiles(id: string): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['driver.yaml', Buffer.from(driverYaml(id))],
    ['LICENSE', Buffer.from('Apache License 2.0 (test)\n')],
    ['classes/index.js', Buffer.from('export default {};\n')],
    ['classes/util.js', Buffer.from('export const x = 1;\n')],
    ['resources/messages/en.json', Buffer.from('{ "test.mvip.label": "Management VIP" }\n')],
  ]);
}

/** `files` plus a MANIFEST.MF listing them. */
export function withManifest(
  files: ReadonlyMap<string, Buffer>,
  id: string,
  version = '1.0.0',
): Map<string, Buffer> {
  return new Map([['META-INF/MANIFEST.MF', manifestFor(id, version, files)], ...files]);
}

/** Writes a valid unsigned CAR for `id` to `file`. */
export async function writeDriverCar(file: string, id = 'com.example.solidfire'): Promise<string> {
  await writeCar(withManifest(driverFiles(id), id), file);
  return file;
}
