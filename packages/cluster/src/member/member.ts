import { hostname } from 'node:os';
import { serializeError, silentLogger } from '@chassis/kernel';
import { createManagementServer, type ManagementServer } from '@chassis/runtime';
import {
  ChangeFeed,
  LeaseManager,
  MEMBER_KEY_PREFIX,
  Membership,
  OwnershipAgent,
  PostgresCarStore,
  PostgresDatabase,
  PostgresStateStore,
} from '@chassis/state-postgres';
import { ChangeHub } from '../rollout/change-hub.js';
import { defaultChannel, defaultForwarder } from './channel.js';
import { DriverStatePublisher } from './driver-publisher.js';
import { fencedStateStore } from './fenced-store.js';
import { sharedInstalledSet } from './installed-set.js';
import type { ClusterMember, ClusterMemberOptions } from './member-options.js';
import { startMemberRollout } from './member-rollout.js';
import { runtimeClusterView } from './member-views.js';
import { OwnerDirectory } from './owner-directory.js';
import { ownershipEligibility } from './placement-eligibility.js';
import { Reconciler } from './reconciler.js';
import { remoteHandle } from './remote-handle.js';
import { secretBoxKey } from './secret-key.js';

export type { ClusterMember, ClusterMemberOptions } from './member-options.js';

const DEFAULT_TTL_MS = 10_000;
const DEFAULT_OWNER_WAIT_MS = 5_000;

/**
 * Starts one member of a cluster: a management server on the shared PostgreSQL state (resource
 * record writes fenced by the owner's lease), with kept CARs in the shared CAR store, a
 * heartbeat (its meta carries the channel URL), resource ownership by rendezvous over the live
 * members, LISTEN/NOTIFY plus periodic reconciliation, and leader election. Only the
 * resources it owns get a local compartment; the others are bound to a remote handle that
 * forwards (`forwarder`) or refuses naming the owner. Start-up recovery of interrupted actions
 * is left to the leader (the rollout coordinator): a member never undoes another's action.
 */
export async function startClusterMember(options: ClusterMemberOptions): Promise<ClusterMember> {
  const { cluster, reconcileMs, rollout: rolloutOptions = {}, ...serverOptions } = options;
  const logger = options.logger ?? silentLogger;
  const channel =
    options.channel === false ? undefined : (options.channel ?? defaultChannel(cluster, logger));
  const ttl = cluster.leaseTtlMs ?? DEFAULT_TTL_MS;
  const tickMs = Math.max(50, Math.floor(ttl / 3));
  const db = await PostgresDatabase.open(cluster.database);
  const cleanup: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  try {
    const leases = new LeaseManager(db);
    let channelUrl = '';
    const id = cluster.memberId ?? `${hostname()}-${process.pid}`;
    const forwarder =
      cluster.forward === 'refuse'
        ? undefined
        : (options.forwarder ?? defaultForwarder(cluster, id));
    if (forwarder) cleanup.unshift(() => forwarder.close());
    // Late-bound: the membership and the agent need the runtime's resource list.
    let server: ManagementServer | undefined;
    let publisher: DriverStatePublisher | undefined;
    const membershipMeta: Record<string, unknown> = {};
    const membership = new Membership(db, { id, ttlMs: ttl, meta: membershipMeta });
    const reconciler = new Reconciler(logger);
    const ownership = new OwnershipAgent(membership, leases, {
      resources: () => server?.runtime.resourceService.ids() ?? [],
      // Only members that run a resource's bound version own it (all of them when none does).
      eligible: ownershipEligibility({
        selfId: id,
        selfDrivers: () => publisher?.current() ?? [],
        bindingOf: (r) => server?.runtime.resourceService.placed.find(r)?.binding,
      }),
      leaseTtlMs: ttl,
      tickMs,
      onChange: () => reconciler.schedule(),
    });
    const owners = new OwnerDirectory(leases, membership, tickMs);
    const store = fencedStateStore(new PostgresStateStore(db), db, leases, (r) =>
      ownership.owned().get(r),
    );
    server = await createManagementServer({
      ...serverOptions,
      store,
      carStore: new PostgresCarStore(db),
      secretKey: secretBoxKey(cluster.secret),
      recoverAtStart: false,
      placement: {
        owns: (r) => ownership.owned().has(r),
        remoteHandle: (resource, binding) =>
          remoteHandle(
            {
              memberId: id,
              owners,
              ...(forwarder ? { forwarder } : {}),
              ownerWaitMs: cluster.ownerWaitMs ?? DEFAULT_OWNER_WAIT_MS,
              pollMs: Math.min(100, tickMs),
            },
            resource,
            binding,
          ),
      },
    });
    const runtime = server.runtime;
    cleanup.unshift(() => server?.stop());
    let closeChannel = async () => {};
    if (channel) {
      const ch = await channel({
        memberId: id,
        resources: runtime.resources,
        configurations: runtime.resourceService,
        owns: (r) => ownership.owned().has(r),
      });
      channelUrl = ch.url;
      closeChannel = () => ch.close();
      cleanup.unshift(() => ch.close());
    }
    membershipMeta.url = channelUrl;
    // Driver states go out with the membership record: others choose owners by them.
    let ownershipStarted = false;
    publisher = new DriverStatePublisher({
      runtime,
      membership,
      refreshMs: tickMs,
      logger,
      onPublished: () => {
        if (!ownershipStarted) return;
        ownership.tick().catch((err: unknown) => {
          ownership.lastError = err;
        });
      },
    });
    await publisher.start();
    const published = publisher;
    cleanup.unshift(() => published.stop());
    await membership.join();
    cleanup.unshift(() => membership.stop());
    await server.start();
    const composed = server;
    reconciler.bind(async () => {
      const { resources: r } = await composed.reconcile();
      // The set of resources changed: ownership follows now rather than at the next tick.
      if (r.added.length + r.removed.length > 0) await ownership.tick();
    });
    await ownership.start();
    ownershipStarted = true;
    cleanup.unshift(() => ownership.stop());
    // One feed per member; the rollout worker and mover listen through the hub.
    const hub = new ChangeHub();
    const feed = new ChangeFeed(db, {
      onChange: (e) => {
        hub.emit(e);
        // Another member published its driver states: who may own what may have changed.
        if (e.kind === 'key' && e.key.startsWith(MEMBER_KEY_PREFIX) && ownershipStarted)
          ownership.tick().catch((err: unknown) => {
            ownership.lastError = err;
          });
        if (
          e.kind === 'reconcile' ||
          e.key.startsWith('drivers/') ||
          e.key.startsWith('resources/')
        )
          reconciler.schedule();
      },
      reconcileMs: reconcileMs ?? ttl,
    });
    await feed.start();
    cleanup.unshift(() => feed.stop());
    const { rollout, desk, pruner, elector } = await startMemberRollout({
      memberId: id,
      db,
      store,
      runtime,
      hub,
      owners,
      settle: () => reconciler.run(),
      owns: (r) => ownership.owned().has(r),
      tickMs,
      logger,
      options: rolloutOptions,
      cleanup,
    });
    await reconciler.run();
    const clusterView = runtimeClusterView({
      memberId: id,
      db,
      membership,
      leases,
      runtime,
      selfDrivers: () => published.current(),
    });
    runtime.cluster = clusterView;
    let halted = false;
    const member: ClusterMember = {
      id,
      server,
      runtime,
      primitives: { db, membership, leases, ownership, leader: elector },
      rollout,
      members: () => clusterView.members(),
      isLeader: () => elector.isLeader,
      installedSet: () => sharedInstalledSet(store),
      reconcile: () => reconciler.run(),
      async halt() {
        halted = true;
        published.stop();
        membership.stop();
        ownership.stop();
        reconciler.stop();
        await feed.stop();
        await elector.stop();
        await desk.stop();
        await pruner.stop();
        await rollout.stop();
        // A crashed member's channel refuses connections: callers re-read the owner and retry.
        await closeChannel();
      },
      async stop() {
        published.stop();
        reconciler.stop();
        ownership.stop();
        await elector.stop();
        await desk.stop();
        await pruner.stop();
        await rollout.stop();
        await feed.stop();
        await server?.stop();
        server = undefined;
        // Released after the compartments closed: the next owner never overlaps our work.
        if (!halted) {
          for (const lease of ownership.owned().values())
            await leases
              .release(lease)
              .catch((err: unknown) =>
                logger.warn({ err: serializeError(err) }, 'lease release failed'),
              );
          await membership
            .leave()
            .catch((err: unknown) =>
              logger.warn({ err: serializeError(err) }, 'leaving the cluster failed'),
            );
        }
        membership.stop();
        // Best effort: each step already closed what it could; the next ones must still run.
        for (const f of cleanup.splice(0)) await Promise.resolve(f()).catch(() => undefined);
      },
    };
    return member;
  } catch (err) {
    // Undo what started; the start error is the one that matters.
    for (const f of cleanup) await Promise.resolve(f()).catch(() => undefined);
    throw err;
  }
}
