import { ChassisError, type DriverDescriptor, type IsolationTier } from '@chassis/kernel';

const TIERS: readonly IsolationTier[] = ['in-process', 'worker', 'process'];

/** Inputs of {@link resolveTier}, most specific first. */
export interface TierChoice {
  /** Given for this one load (`loadDirectory(dir, { tier })`). */
  readonly explicit?: IsolationTier;
  /** The operator's overrides by driver id. */
  readonly overrides?: Readonly<Record<string, IsolationTier>>;
  /** The operator's default for trusted drivers whose `driver.yaml` names no tier. */
  readonly defaultTier?: IsolationTier;
  /**
   * Whether the operator trusts this driver (kernel config `confinement.trusted`). An untrusted
   * driver runs in the confined `process` tier whatever `driver.yaml` asks; absent means trusted
   * (a loader used as a library without a confinement config).
   */
  readonly trusted?: boolean;
}

/**
 * Which tier a driver runs in: this load's explicit choice, else the operator's override for
 * its id, else `process` for a driver the operator does not trust, else `driver.yaml`'s
 * `isolation` (the vendor's request), else the operator's default, else `worker`. Pure.
 */
export function resolveTier(descriptor: DriverDescriptor, choice: TierChoice = {}): IsolationTier {
  const tier =
    choice.explicit ??
    choice.overrides?.[descriptor.id] ??
    (choice.trusted === false ? 'process' : undefined) ??
    descriptor.isolation ??
    choice.defaultTier ??
    'worker';
  if (!TIERS.includes(tier)) {
    throw new ChassisError(
      'CHASSIS_E_LOADER_ISOLATION_UNSUPPORTED',
      `driver ${descriptor.id}: isolation tier "${String(tier)}" is not one of ${TIERS.join(', ')}`,
      { details: { driver: descriptor.id, tier } },
    );
  }
  return tier;
}
