import { manifestFor, writeCar } from '@chassis/car';

/**
 * Writes a small valid unsigned CAR (a storage driver with one required property) to `file`,
 * for upload and install tests. Returns its hex SHA-256.
 */
export async function writeTestCar(
  file: string,
  id = 'com.example.uploaded',
  version = '1.0.0',
): Promise<{ sha256: string }> {
  const yaml = `id: ${id}
name: Uploaded test driver
version: ${version}
vendor: Example Test Inc.
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
  - key: endpoint
    labelKey: up.endpoint
    type: string
    required: true
`;
  const files = new Map<string, Buffer>([
    ['driver.yaml', Buffer.from(yaml)],
    ['LICENSE', Buffer.from('Apache License 2.0 (test)\n')],
    ['classes/index.js', Buffer.from("export default { provides: { 'storage.primary': {} } };\n")],
    [
      'resources/messages/en.json',
      Buffer.from(`${JSON.stringify({ 'up.endpoint': 'Endpoint' })}\n`),
    ],
  ]);
  const entries = new Map([['META-INF/MANIFEST.MF', manifestFor(id, version, files)], ...files]);
  return writeCar(entries, file);
}
