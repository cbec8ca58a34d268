import { stat } from 'node:fs/promises';
import type { IsolationTier, PropertyType, ProvidesEntry, RequiresEntry } from '@chassis/kernel';
import type { CarEntryInfo } from './archive.js';
import type { ReadCarOptions } from './limits.js';
import { readCar } from './read.js';

/** Signature status as far as this package can tell (verification is @chassis/repository's). */
export type SignatureStatus = 'unsigned' | 'signed (not verified here)';

/** One row of the properties table, with English label and description resolved. */
export interface InspectedProperty {
  readonly key: string;
  readonly type: PropertyType;
  readonly required: boolean;
  readonly secret: boolean;
  readonly default?: string | number | boolean;
  readonly maxLength?: number;
  readonly labelKey: string;
  readonly label: string;
  readonly descriptionKey?: string;
  readonly description?: string;
}

/** Everything `chassis car inspect` shows, as plain data (stable key order). */
export interface CarInspection {
  readonly file: string;
  /** Size of the CAR file in bytes. */
  readonly size: number;
  /** Hex SHA-256 of the CAR file. */
  readonly sha256: string;
  readonly driver: {
    readonly id: string;
    readonly name: string;
    readonly version: string;
    readonly vendor: string;
    readonly license: string;
    readonly category: string;
    readonly description?: string;
    readonly entry: string;
    readonly isolation: IsolationTier;
    readonly engines: { readonly chassis: string };
  };
  readonly provides: readonly ProvidesEntry[];
  readonly requires: readonly RequiresEntry[];
  readonly properties: readonly InspectedProperty[];
  readonly locales: readonly string[];
  readonly files: readonly CarEntryInfo[];
  readonly signature: SignatureStatus;
}

/** Reads and verifies a CAR (as {@link readCar}) and summarises it for people and tools. */
export async function inspectCar(file: string, options?: ReadCarOptions): Promise<CarInspection> {
  const car = await readCar(file, options);
  const d = car.descriptor;
  const en = car.messages.en ?? {};
  const { size } = await stat(file);
  return {
    file: car.file,
    size,
    sha256: car.sha256,
    driver: {
      id: d.id,
      name: d.name,
      version: d.version,
      vendor: d.vendor,
      license: d.license,
      category: d.category,
      ...(d.description !== undefined ? { description: d.description } : {}),
      entry: d.entry,
      isolation: d.isolation ?? 'worker',
      engines: { chassis: d.engines.chassis },
    },
    provides: d.provides.map((p) => ({ ...p })),
    requires: (d.requires ?? []).map((r) => ({ ...r })),
    properties: (d.properties ?? []).map((p) => ({
      key: p.key,
      type: p.type,
      required: p.required ?? false,
      secret: p.secret ?? false,
      ...(p.default !== undefined ? { default: p.default } : {}),
      ...(p.maxLength !== undefined ? { maxLength: p.maxLength } : {}),
      labelKey: p.labelKey,
      label: en[p.labelKey] ?? p.labelKey,
      ...(p.descriptionKey !== undefined
        ? {
            descriptionKey: p.descriptionKey,
            description: en[p.descriptionKey] ?? p.descriptionKey,
          }
        : {}),
    })),
    locales: Object.keys(car.messages).sort(),
    files: car.entries,
    signature: car.signature ? 'signed (not verified here)' : 'unsigned',
  };
}
