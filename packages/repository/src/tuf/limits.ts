/** Length caps applied to every download (transports are untrusted). */
export interface RepositoryLimits {
  /** Largest CAR a client downloads, whatever the metadata says. */
  readonly maxCarBytes: number;
  readonly rootMaxBytes: number;
  readonly timestampMaxBytes: number;
  readonly snapshotMaxBytes: number;
  readonly targetsMaxBytes: number;
  /** Most root versions walked in one refresh. */
  readonly maxRootRotations: number;
}

/** Defaults: generous for metadata of thousands of drivers, 256 MiB per CAR. */
export const DEFAULT_LIMITS: RepositoryLimits = {
  maxCarBytes: 256 * 1024 * 1024,
  rootMaxBytes: 512 * 1024,
  timestampMaxBytes: 16 * 1024,
  snapshotMaxBytes: 2 * 1024 * 1024,
  targetsMaxBytes: 16 * 1024 * 1024,
  maxRootRotations: 32,
};
