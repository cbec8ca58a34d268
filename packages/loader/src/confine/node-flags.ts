/** The Node flags the confined process tier depends on, as this Node spells them. */
export interface PermissionFlags {
  /** `--permission` (Node 22+) or `--experimental-permission` (Node 20). */
  readonly enable: string;
  /** Whether `--allow-addons` exists (else addons are simply refused under the model). */
  readonly addons: boolean;
  /** `--disable-warning=ExperimentalWarning` when supported, so stderr carries the driver's own lines. */
  readonly quiet?: string;
}

/**
 * Detects the permission-model flags of a Node whose `allowedNodeEnvironmentFlags` is `flags`
 * (the running Node's by default). Pure apart from the default argument.
 */
export function detectPermissionFlags(
  flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): PermissionFlags {
  const enable = flags.has('--permission') ? '--permission' : '--experimental-permission';
  return {
    enable,
    addons: flags.has('--allow-addons'),
    ...(enable === '--experimental-permission' && flags.has('--disable-warning')
      ? { quiet: '--disable-warning=ExperimentalWarning' }
      : {}),
  };
}
