import { readFileSync } from 'node:fs';
import { parseDescriptor } from '@chassis/car';
import type { DriverDescriptor, MessageCatalog } from '@chassis/kernel';

const root = new URL('../../', import.meta.url);

/** The project's own driver.yaml, parsed and schema-checked as `chassis car pack` does. */
export function projectDescriptor(): DriverDescriptor {
  return parseDescriptor(readFileSync(new URL('driver.yaml', root), 'utf8'));
}

/** The project's message files, as a catalog by locale. */
export function projectMessages(): MessageCatalog {
  const read = (locale: string) =>
    JSON.parse(readFileSync(new URL(`resources/messages/${locale}.json`, root), 'utf8')) as Record<string, string>;
  return { en: read('en'), fr: read('fr') };
}
