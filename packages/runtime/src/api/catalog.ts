import type { CatalogOffer } from '@chassis/kernel';

// The catalog shapes are the kernel's summary schemas (one definition for the runtime, the
// OpenAPI document and the CLI).
export type { CatalogDriver, CatalogOffer, CatalogSigner, CatalogVersion } from '@chassis/kernel';

/** Where the runtime's catalog comes from: the configured repository, after a verified refresh. */
export interface CatalogSource {
  offers(): Promise<readonly CatalogOffer[]>;
}
