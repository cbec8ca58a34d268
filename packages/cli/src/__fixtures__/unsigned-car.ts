import { manifestFor, writeCar } from '@chassis/car';

/**
 * Writes a minimal, valid, unsigned storage CAR `id`@1.0.0 to `file` (for the signing and trust
 * commands' tests, which sign it or check that it is refused); returns `file`.
 */
export async function unsignedCar(file: string, id: string): Promise<string> {
  const files = new Map<string, Buffer>([
    [
      'driver.yaml',
      Buffer.from(
        `id: ${id}\nname: T\nversion: 1.0.0\nvendor: Example Storage Inc.\nlicense: Apache-2.0\ncategory: storage\nentry: classes/index.js\nengines: { chassis: "^1.0.0" }\nprovides:\n  - point: storage.primary\n    version: "^1.0.0"\n`,
      ),
    ],
    ['LICENSE', Buffer.from('Apache-2.0\n')],
    ['classes/index.js', Buffer.from('export default {};\n')],
  ]);
  files.set('META-INF/MANIFEST.MF', manifestFor(id, '1.0.0', files));
  await writeCar(files, file);
  return file;
}
