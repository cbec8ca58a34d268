import { manifestFor, writeCar } from '@chassis/car';
import { join } from 'node:path';

/** Writes a real, valid, unsigned CAR for `id@version` with `@chassis/car`'s writer. */
export async function writeRealCar(
  dir: string,
  id: string,
  version: string,
  options: { category?: string; point?: string; tamper?: boolean } = {},
): Promise<string> {
  const point = options.point ?? 'storage.primary';
  const yaml = `id: ${id}
name: ${id} driver
version: ${version}
vendor: Example Storage Inc.
license: Apache-2.0
category: ${options.category ?? 'storage'}
entry: classes/index.js
engines: { chassis: "^1.0.0" }
provides:
  - point: ${point}
    version: "^1.0.0"
`;
  const files = new Map<string, Buffer>([
    ['driver.yaml', Buffer.from(yaml)],
    ['LICENSE', Buffer.from('Apache License 2.0 (test)\n')],
    ['classes/index.js', Buffer.from('export default {};\n')],
    ['resources/messages/en.json', Buffer.from('{}\n')],
  ]);
  const manifest = manifestFor(id, version, files);
  if (options.tamper) files.set('classes/index.js', Buffer.from('export default { evil: 1 };\n'));
  const entries = new Map([
    ['META-INF/MANIFEST.MF', manifest],
    ...files,
  ]);
  const out = join(dir, `${id}-${version}${options.tamper ? '-tampered' : ''}.car`);
  await writeCar(entries, out);
  return out;
}
