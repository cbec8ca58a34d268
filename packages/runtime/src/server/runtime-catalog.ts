import { ChassisError } from '@chassis/kernel';
import type { CatalogDriver, CatalogSource } from '../api/catalog.js';
import { catalogDrivers } from './catalog-search.js';

/**
 * The repository catalog as the runtime serves it: the source's offers (each read refreshes the
 * verified metadata) grouped per driver and marked with what is installed here.
 */
export class RuntimeCatalog {
  constructor(
    private readonly source: CatalogSource | undefined,
    /** Driver id → installed versions, read at each call. */
    private readonly installed: () => ReadonlyMap<string, readonly string[]>,
  ) {}

  /** Drivers whose id, name, vendor, category or description match every word of `query`. */
  async search(query?: string): Promise<CatalogDriver[]> {
    if (!this.source) {
      throw new ChassisError(
        'CHASSIS_E_REPO_NOT_FOUND',
        'No repository is configured, so there is no catalog to search; configure `repository` (url and trustedRoot) or install from a CAR file',
        { details: { query: query ?? '' } },
      );
    }
    return catalogDrivers(await this.source.offers(), this.installed(), query);
  }

  /** One driver with every version the repository offers (`CHASSIS_E_REPO_DRIVER_NOT_FOUND`). */
  async driver(id: string): Promise<CatalogDriver> {
    const found = (await this.search()).find((d) => d.id === id);
    if (!found) {
      throw new ChassisError(
        'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
        `The repository offers no driver ${id}; search the catalog for its id (chassis catalog search <text>)`,
        { details: { driver: id } },
      );
    }
    return found;
  }
}
