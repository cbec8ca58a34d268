import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readCar } from '@chassis/car';
import {
  DEFAULT_CATEGORY_RANKS,
  type Logger,
  type OrderNode,
  planOrder,
  serializeError,
} from '@chassis/kernel';
import { type CreateSourceOptions, createSource, sha256File } from '@chassis/loader';
import type { UpgradeRecord } from '../api/runtime-api.js';
import type { DriverManager } from '../manager/driver-manager.js';

/** What {@link scanSources} needs: the sources, a staging folder and the manager to install with. */
export interface SourceScanOptions {
  /** CAR sources (`file:`/`http(s):`/`s3://`). */
  readonly sources: readonly string[];
  readonly sourceOptions?: CreateSourceOptions;
  /** Staging folder for downloaded CARs; each file is removed once installed or refused. */
  readonly incoming: string;
  readonly manager: DriverManager;
  /** Extra category ranks from the kernel configuration. */
  readonly ranks?: Readonly<Record<string, number>>;
  readonly logger: Logger;
}

/**
 * Installs every CAR of the sources that is not installed yet (by digest), in kernel order:
 * category rank, then dependencies, rather than listing order. A CAR that cannot be read or
 * installed is logged with its source and skipped; the others still install.
 */
export async function scanSources(options: SourceScanOptions): Promise<UpgradeRecord[]> {
  const { manager, logger, incoming } = options;
  const installed = new Set(
    [...manager.drivers.values()].flatMap((i) => i.record.versions.map((v) => v.sha256)),
  );
  await mkdir(incoming, { recursive: true });
  // Fetch and read every new CAR first, so the order can be planned over all of them.
  const found: { file: string; node: OrderNode; source: string }[] = [];
  for (const url of options.sources) {
    const source = createSource(url, options.sourceOptions);
    for (const ref of await source.list()) {
      const file = join(incoming, `${found.length}-${ref.name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
      try {
        await source.download(ref, file);
        if (installed.has(await sha256File(file))) {
          await rm(file, { force: true });
          continue;
        }
        const { descriptor: d } = await readCar(file);
        found.push({
          file,
          source: url,
          node: { id: d.id, version: d.version, category: d.category, requires: d.requires ?? [] },
        });
      } catch (err) {
        await rm(file, { force: true });
        logger.error(
          { source: url, car: ref.name, err: serializeError(err) },
          'could not read a CAR from the source',
        );
      }
    }
  }
  const plan = planOrder(
    found.map((f) => f.node),
    { ranks: { ...DEFAULT_CATEGORY_RANKS, ...options.ranks } },
  );
  const ordered = [...plan.start, ...plan.failed.map((f) => f.node)];
  const records: UpgradeRecord[] = [];
  for (const node of ordered) {
    const item = found.find((f) => f.node === node);
    if (!item) continue;
    try {
      records.push(await manager.install({ kind: 'file', path: item.file }, 'system:scan'));
    } catch (err) {
      logger.error(
        { source: item.source, driver: node.id, version: node.version, err: serializeError(err) },
        'could not install a CAR from the source',
      );
    } finally {
      await rm(item.file, { force: true });
    }
  }
  return records;
}
