/** Who signed a CAR offered by the repository (read from its certificate when it was published). */
export interface CatalogSigner {
  readonly subject: string;
  readonly issuer: string;
  readonly fingerprint256: string;
  readonly validTo: string;
}

/**
 * One driver version as the configured repository offers it (verified TUF metadata, no
 * download): what a catalog source hands the runtime.
 */
export interface CatalogOffer {
  readonly id: string;
  readonly version: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: string;
  readonly description?: string;
  readonly license?: string;
  readonly engines: { readonly chassis: string };
  readonly provides: readonly { readonly point: string; readonly version: string }[];
  readonly signed: boolean;
  readonly signer?: CatalogSigner;
  readonly sha256: string;
  readonly length: number;
  /** The host can run it (its `engines.chassis` and `provides` ranges fit this server). */
  readonly compatible: boolean;
}

/** Where the runtime's catalog comes from: the configured repository, after a verified refresh. */
export interface CatalogSource {
  offers(): Promise<readonly CatalogOffer[]>;
}

/** One version of a {@link CatalogDriver}. */
export interface CatalogVersion extends Omit<CatalogOffer, 'id' | 'name' | 'vendor' | 'category'> {
  /** This version is installed (kept) on this server. */
  readonly installed: boolean;
}

/** A driver of the repository catalog with every version it offers, newest first. */
export interface CatalogDriver {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: string;
  /** The newest version's description. */
  readonly description?: string;
  /** The newest version this server can run; absent when none is compatible. */
  readonly latest?: string;
  /** Versions of it installed on this server (empty: not installed). */
  readonly installed: readonly string[];
  readonly versions: readonly CatalogVersion[];
}
