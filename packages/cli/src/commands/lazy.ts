import type { RevocationReason } from '@chassis/repository';

/*
 * Heavy packages, loaded by the action that needs them and never at registration. Importing
 * `@chassis/repository` (tuf-js, X.509, AWS SDK) or `@chassis/car` costs most of a second of
 * CPU, which `chassis --version`, `--help` or `drivers list` would otherwise pay on every run.
 * Command modules import only types from these packages at the top; node caches the module, so
 * a second call is free.
 */

/** `@chassis/repository`: CA, signing, TUF repositories, mirrors, bundles. */
export const repository = (): Promise<typeof import('@chassis/repository')> =>
  import('@chassis/repository');

/** `@chassis/car`: pack, inspect, verify and scaffold driver archives. */
export const car = (): Promise<typeof import('@chassis/car')> => import('@chassis/car');

/** `cli-progress`: only a terminal that shows a bar needs it. */
export const cliProgress = async (): Promise<typeof import('cli-progress')> =>
  (await import('cli-progress')).default;

/**
 * `@chassis/repository`'s `REVOCATION_REASONS`, copied because `ca revoke --help` lists them at
 * registration time; `lazy.spec.ts` asserts the copy equals the package's, so they cannot drift.
 */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const satisfies readonly RevocationReason[];
