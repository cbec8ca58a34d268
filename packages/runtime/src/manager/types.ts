import type { CarArchive } from '@chassis/car';
import type { DriverDescriptor, DriverHandle, IsolationTier } from '@chassis/kernel';
import type { SignatureInfo } from '../api/runtime-api.js';

/** A driver version loaded into its own environment (not started yet). */
export interface LoadedVersion {
  readonly descriptor: DriverDescriptor;
  readonly handle: DriverHandle;
  /** Hex SHA-256 of the CAR. */
  readonly sha256: string;
  readonly tier: IsolationTier;
  readonly messages: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * A CAR read and checked once (zip safety, manifest digests, descriptor): the one value the
 * install path passes through the trust check, the keeper and the loader, so nothing reads or
 * verifies the file again.
 */
export interface VerifiedCar {
  readonly file: string;
  /** Hex SHA-256 of the CAR, from the read that checked it. */
  readonly sha256: string;
  readonly descriptor: DriverDescriptor;
  /** The checked archive (signature, certificate, manifest bytes) when the loader reads real CARs. */
  readonly archive?: CarArchive;
  /** Where the loader extracted it, when it did. */
  readonly dir?: string;
  /**
   * The environment the loader spawned from the CAR's head while opening it (issue 14, a fast
   * start): {@link VersionLoader.load} consumes it; whoever opened the CAR disposes it on every
   * other exit (a no-op once consumed; never rejects).
   */
  readonly pending?: { dispose(): Promise<void> };
}

/**
 * Opens and loads CARs into execution environments. The runtime composes it from
 * `@chassis/loader`; tests use in-memory fakes. `carFile` is a stable path the manager may
 * open again later (restart, rollback).
 */
export interface VersionLoader {
  /**
   * Reads, checks and extracts a CAR in one pass, and may start its environment meanwhile
   * (`VerifiedCar.pending`, which the caller then owns until `load`). `expect.sha256`: the
   * digest of a version loaded before (restart, boot), so a cached extraction is reused.
   */
  open(carFile: string, expect?: { readonly sha256?: string }): Promise<VerifiedCar>;
  /**
   * Loads an opened CAR into its environment (no further read of the CAR), using its pending
   * environment when the verified descriptor plans the same one.
   */
  load(car: VerifiedCar): Promise<LoadedVersion>;
}

/**
 * Verifies a CAR before anything is loaded or persisted (signature, chain, revocation). Gets
 * the already checked archive when there is one, else the file.
 */
export type TrustVerifier = (car: string | CarArchive) => Promise<SignatureInfo>;

/**
 * Brings a CAR from a repository into local, stable storage: returns its path. `version`
 * absent means the newest version compatible with this server.
 */
export type CarAcquirer = (id: string, version?: string) => Promise<string>;

/** Keeps a copy of an installed CAR under a stable, content-addressed path (by its known digest). */
export type CarKeeper = (car: VerifiedCar) => Promise<string>;

/**
 * Where the manager finds the kept CAR of an installed version before loading it again (boot,
 * restart, rollback, reconciliation): a local file path. Default: the recorded `car` path. In a
 * cluster the kept CARs live in a shared store and each member fetches a local copy by digest;
 * the loader then re-verifies it (digest, manifest, signature) like any other CAR.
 */
export type CarFetcher = (version: {
  readonly version: string;
  readonly sha256: string;
  readonly car: string;
}) => Promise<string>;

/**
 * Asked before any resource moves to another version (upgrade, rollback, forced uninstall):
 * throws (e.g. `CHASSIS_E_PROPS_INVALID`) when a resource's configuration does not fit the
 * target version, and nothing moves.
 */
export type MoveCheck = (resourceIds: readonly string[], to: LoadedVersion) => void | Promise<void>;

/**
 * Where resource bindings are kept: the resource service in a server. The manager never writes
 * `resources/<id>` records itself; every move (upgrade, rollback, forced uninstall, recovery)
 * goes through {@link ResourceBindings.rebind}, which resolves once the binding is persisted.
 */
export interface ResourceBindings {
  /** Persists that `ids` are now bound to `driverId@version` (with migrated `states`). */
  rebind(
    ids: readonly string[],
    binding: { readonly driverId: string; readonly version: string },
    states?: ReadonlyMap<string, unknown>,
  ): Promise<void>;
  /** The driver-owned state of a resource, passed to `migrate` (`null` when none). */
  stateOf(id: string): Promise<unknown>;
  /** True when the resource is pinned: whole-driver upgrades and rollbacks leave it. */
  pinned?(id: string): boolean;
  /**
   * Ids of every resource known here bound to `driverId@version`, wherever its compartment
   * runs (cluster mode: also the resources other members own). Absent: only the local
   * registry counts.
   */
  boundIds?(driverId: string, version: string): readonly string[];
}
