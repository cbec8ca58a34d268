import type { DriverDescriptor } from '@chassis/kernel';

/**
 * Caps the safe reader enforces before and while it inflates an archive. Every cap is
 * configurable per call; {@link DEFAULT_CAR_LIMITS} suits real drivers with room to spare.
 */
export interface CarLimits {
  /** Most entries (files and directories) an archive may hold. */
  maxEntries: number;
  /** Most bytes all entries may expand to, together. */
  maxTotalBytes: number;
  /** Most bytes one entry may expand to. */
  maxEntryBytes: number;
  /**
   * Highest uncompressed/compressed ratio of one entry (zip bombs). Entries that expand to
   * less than {@link RATIO_EXEMPT_BYTES} are exempt: tiny, highly repetitive files are harmless.
   */
  maxCompressionRatio: number;
  /** Largest `driver.yaml`, in bytes. */
  maxDescriptorBytes: number;
  /** Largest `resources/messages/<locale>.json`, in bytes. */
  maxMessagesBytes: number;
}

/** Sane defaults: 10 000 entries, 256 MiB in total, 64 MiB per entry, ratio 100, 64 KiB YAML, 1 MiB messages. */
export const DEFAULT_CAR_LIMITS: Readonly<CarLimits> = Object.freeze({
  maxEntries: 10_000,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntryBytes: 64 * 1024 * 1024,
  maxCompressionRatio: 100,
  maxDescriptorBytes: 64 * 1024,
  maxMessagesBytes: 1024 * 1024,
});

/** Entries expanding to fewer bytes than this are not subject to the compression-ratio cap. */
export const RATIO_EXEMPT_BYTES = 64 * 1024;

/** Options shared by the reading functions. */
export interface ReadCarOptions {
  /** Overrides for some of the {@link DEFAULT_CAR_LIMITS}. */
  readonly limits?: Partial<CarLimits>;
  /**
   * Called once, early in the read, with the archive's digest and its `driver.yaml` parsed,
   * before the rest of the archive is inflated and checked. **Unverified**: only for work that
   * is dropped or redone when the read then fails or its verified descriptor differs (the
   * loader spawns the driver's environment with it). Not called when `driver.yaml` is missing or
   * invalid (the read fails later with the typed error).
   */
  readonly onHead?: (head: CarHead) => void;
}

/** What {@link ReadCarOptions.onHead} receives. */
export interface CarHead {
  /** Hex SHA-256 of the whole CAR file (the same value the finished read returns). */
  readonly sha256: string;
  /** `driver.yaml`, parsed and schema-checked; the rest of the archive is not checked yet. */
  readonly descriptor: DriverDescriptor;
}

/** Defaults overlaid with the caller's overrides. */
export function resolveLimits(overrides?: Partial<CarLimits>): CarLimits {
  return { ...DEFAULT_CAR_LIMITS, ...(overrides ?? {}) };
}
