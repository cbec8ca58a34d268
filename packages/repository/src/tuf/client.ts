import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ChassisError } from '@chassis/kernel';
import { Metadata, MetadataKind, type TargetFile } from '@tufjs/models';
import { LengthOrHashMismatchError } from '@tufjs/models/dist/error.js';
import { Updater } from 'tuf-js';
import { tempPathFor, writeFileAtomic } from '../repo/atomic.js';
import { consistentTargetPaths, REVOCATIONS_TARGET } from '../repo/layout.js';
import {
  openRepositoryLocation,
  type RepositoryLocation,
  type TransportOptions,
} from '../transport/open.js';
import { downloadTarget } from './download.js';
import { type DriverEntry, entryOfTarget } from './entry.js';
import { mapTufError } from './errors.js';
import { DEFAULT_LIMITS, type RepositoryLimits } from './limits.js';

/** Options of {@link RepositoryClient}. */
export interface RepositoryClientOptions extends TransportOptions {
  /** Folder, `file:`, `http(s)://` or `s3://bucket/prefix` URL of the repository. */
  readonly url: string;
  /**
   * The operator's trusted root: a path to `root.json` or its bytes. Used the first time only;
   * after that the client trusts the (possibly rotated) root kept in `cacheDir`.
   */
  readonly trustedRoot: string | Uint8Array;
  /** Where verified metadata is kept between runs (the client's trust state). */
  readonly cacheDir: string;
  readonly limits?: Partial<RepositoryLimits>;
}

/** The trusted metadata files the client keeps, in the order they are committed. */
const TRUSTED_FILES = ['root.json', 'targets.json', 'snapshot.json', 'timestamp.json'] as const;

/**
 * A TUF client for a Chassis repository (tuf-js `Updater` underneath). `refresh()` verifies
 * the newest metadata (root rotations, rollback, freeze, mix-and-match, signatures) in a staging
 * folder and only then commits it to `cacheDir`: a refused refresh leaves the trusted state
 * exactly as it was. `download()` fetches a CAR capped at its signed length and checks its
 * digest before the file appears at its destination.
 */
export class RepositoryClient {
  readonly location: RepositoryLocation;
  readonly limits: RepositoryLimits;
  private readonly metadataDir: string;
  private updater: Updater | undefined;
  private targets = new Map<string, TargetFile>();
  private drivers: DriverEntry[] = [];

  constructor(private readonly options: RepositoryClientOptions) {
    this.location = openRepositoryLocation(options.url, options);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.metadataDir = join(options.cacheDir, 'metadata');
  }

  /** Base URL of the repository (trailing slash). */
  get url(): string {
    return this.location.baseUrl;
  }

  /** True once a refresh succeeded in this process. */
  get refreshed(): boolean {
    return this.updater !== undefined;
  }

  /**
   * Fetches and verifies the newest metadata; returns the drivers on offer. Calls are
   * serialised: each commits the trusted files one by one, so two overlapping refreshes could
   * otherwise interleave their commits.
   */
  refresh(): Promise<readonly DriverEntry[]> {
    const run = this.refreshing.catch(() => undefined).then(() => this.refreshOnce());
    this.refreshing = run;
    return run;
  }

  private refreshing: Promise<unknown> = Promise.resolve();

  private async refreshOnce(): Promise<readonly DriverEntry[]> {
    await this.seedTrustedRoot();
    await mkdir(this.options.cacheDir, { recursive: true });
    const staging = await mkdtemp(join(this.options.cacheDir, '.staging-'));
    try {
      for (const name of TRUSTED_FILES) {
        await copyFile(join(this.metadataDir, name), join(staging, name)).catch(() => undefined);
      }
      const transport = this.location.transport;
      transport.lastError = undefined;
      let updater: Updater;
      try {
        updater = new Updater({
          metadataDir: staging,
          metadataBaseUrl: this.location.baseUrl,
          targetBaseUrl: this.location.baseUrl,
          fetcher: transport,
          config: {
            rootMaxLength: this.limits.rootMaxBytes,
            timestampMaxLength: this.limits.timestampMaxBytes,
            snapshotMaxLength: this.limits.snapshotMaxBytes,
            targetsMaxLength: this.limits.targetsMaxBytes,
            maxRootRotations: this.limits.maxRootRotations,
          },
        });
        await updater.refresh();
      } catch (err) {
        throw mapTufError(err, {
          stage: 'refresh',
          url: this.location.baseUrl,
          transportError: transport.lastError,
        });
      }
      const targetsJson = JSON.parse(await readFile(join(staging, 'targets.json'), 'utf8'));
      const targets = Metadata.fromJSON(MetadataKind.Targets, targetsJson).signed.targets;
      for (const name of TRUSTED_FILES) {
        await rename(join(staging, name), join(this.metadataDir, name)).catch((err) => {
          // A role tuf-js never had (nothing to commit) is fine; anything else is a real failure.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        });
      }
      this.updater = updater;
      this.targets = new Map(Object.entries(targets));
      this.drivers = [...this.targets.values()]
        .map(entryOfTarget)
        .filter((e): e is DriverEntry => e !== undefined)
        .sort((a, b) => a.id.localeCompare(b.id) || a.version.localeCompare(b.version));
      return this.drivers;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Drivers from the last successful refresh (empty before the first one). */
  list(): readonly DriverEntry[] {
    return this.drivers;
  }

  /** One driver version from the last refresh, or `undefined`. */
  find(id: string, version: string): DriverEntry | undefined {
    return this.drivers.find((d) => d.id === id && d.version === version);
  }

  /**
   * Downloads a CAR to `destFile`, verified against the signed length and digest. The file is
   * written beside `destFile` in one pass (length cap and hashing as the bytes stream to disk,
   * see {@link downloadTarget}) and renamed into place only once it verified. Metadata is
   * refreshed only if this client never refreshed: a download trusts the last refresh.
   */
  async download(id: string, version: string, destFile: string): Promise<DriverEntry> {
    if (!this.updater) await this.refresh();
    const entry = this.find(id, version);
    const target = entry && this.targets.get(entry.path);
    if (!entry || !target) {
      throw new ChassisError(
        'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
        `${id}@${version} is not in repository ${this.url}; see "chassis repo search"`,
        { details: { driver: id, version, url: this.url } },
      );
    }
    if (entry.length > this.limits.maxCarBytes) {
      throw new ChassisError(
        'CHASSIS_E_REPO_TARGET_TOO_LARGE',
        `${id}@${version} is ${entry.length} bytes, over the ${this.limits.maxCarBytes}-byte limit`,
        { details: { driver: id, version, length: entry.length, limit: this.limits.maxCarBytes } },
      );
    }
    await mkdir(join(destFile, '..'), { recursive: true });
    const tmp = tempPathFor(destFile);
    const transport = this.location.transport;
    transport.lastError = undefined;
    try {
      await downloadTarget(transport, this.targetUrl(target), target, tmp);
      await rename(tmp, destFile);
    } catch (err) {
      await rm(tmp, { force: true });
      throw mapTufError(err, {
        stage: 'download',
        url: this.location.baseUrl,
        transportError: transport.lastError,
        target: entry.path,
      });
    }
    return entry;
  }

  /**
   * The CA's signed revocation list as published in the repository (target `revocations.json`,
   * fetched by its consistent name and checked against the signed length and digest), or
   * `undefined` when the repository publishes none. Trusts the last refresh, like
   * {@link download}; its signature is the caller's check (it needs the project CA).
   */
  async revocations(): Promise<Buffer | undefined> {
    if (!this.updater) await this.refresh();
    const target = this.targets.get(REVOCATIONS_TARGET);
    if (!target) return undefined;
    const transport = this.location.transport;
    transport.lastError = undefined;
    try {
      if (target.length > this.limits.targetsMaxBytes) {
        throw new LengthOrHashMismatchError(
          `Expected length ${target.length} is over ${this.limits.targetsMaxBytes}`,
        );
      }
      const bytes = Buffer.from(
        await transport.downloadBytes(this.targetUrl(target), target.length),
      );
      await target.verify(Readable.from([bytes]));
      return bytes;
    } catch (err) {
      throw mapTufError(err, {
        stage: 'download',
        url: this.location.baseUrl,
        transportError: transport.lastError,
        target: target.path,
      });
    }
  }

  /**
   * Where a target lives: its consistent-snapshot name (`<dir>/<sha256>.<name>`, root says
   * `consistent_snapshot: true`), resolved against the base URL exactly as tuf-js does.
   */
  private targetUrl(target: TargetFile): string {
    const sha256 = target.hashes.sha256;
    if (!sha256) throw new LengthOrHashMismatchError(`${target.path} has no sha256 hash`);
    const [path] = consistentTargetPaths(target.path, { sha256 });
    return new URL(this.location.baseUrl + path!.replace(/^\/+/, '')).toString();
  }

  /** The verified metadata bytes the client now trusts (`root.json`, `timestamp.json`...). */
  async trustedMetadata(name: (typeof TRUSTED_FILES)[number]): Promise<Buffer> {
    return readFile(join(this.metadataDir, name));
  }

  /** Releases the transport (S3 connections). */
  close(): void {
    this.location.transport.close();
  }

  private async seedTrustedRoot(): Promise<void> {
    const file = join(this.metadataDir, 'root.json');
    const exists = await readFile(file).then(
      () => true,
      () => false,
    );
    if (exists) return;
    const { trustedRoot } = this.options;
    let bytes: Uint8Array;
    try {
      bytes = typeof trustedRoot === 'string' ? await readFile(trustedRoot) : trustedRoot;
      Metadata.fromJSON(MetadataKind.Root, JSON.parse(Buffer.from(bytes).toString('utf8')));
    } catch (err) {
      throw new ChassisError(
        'CHASSIS_E_REPO_METADATA_INVALID',
        `The trusted root ${typeof trustedRoot === 'string' ? trustedRoot : '(bytes)'} is not a TUF root.json; give the repository's 1.root.json`,
        { cause: err },
      );
    }
    await writeFileAtomic(file, bytes);
  }
}
