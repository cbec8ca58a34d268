import type { DriverDefinition, OperationContext } from '@chassis/kernel';
import type { PrimaryStorageDriver } from '@chassis/storage';
import bytes from 'bytes';
import { CLUSTER_CAPACITY_BYTES, MAX_VOLUME_BYTES, SimCluster } from './cluster.js';
import type { SolidFireProperties } from './properties.js';

type Ctx = OperationContext<SolidFireProperties>;

/** One simulated cluster per pool resource, for as long as this driver version runs. */
const clusters = new Map<string, SimCluster>();

function cluster(ctx: Ctx): SimCluster {
  const p = ctx.properties;
  let c = clusters.get(ctx.resource.id);
  if (!c) {
    c = new SimCluster(`${p.mVip}:${p.mPort}`, p.sVip, p.sPort);
    clusters.set(ctx.resource.id, c);
  }
  c.mvip = `${p.mVip}:${p.mPort}`;
  c.svip = p.sVip;
  c.sport = p.sPort;
  return c;
}

const storage = {
  initialize(ctx) {
    const c = cluster(ctx);
    ctx.logger.info(
      { mvip: c.mvip, user: ctx.properties.clusterAdminUsername },
      'connected to SolidFire cluster',
    );
    return {
      capacityBytes: CLUSTER_CAPACITY_BYTES,
      usedBytes: c.stats().usedBytes,
      protocol: 'iscsi',
      endpoint: `${ctx.properties.sVip}:${ctx.properties.sPort}`,
      deviceVersion: '12.5.0',
    };
  },

  attach(ctx, scope) {
    const c = cluster(ctx);
    for (const h of scope.hostIds) c.attachedHosts.add(h);
    return { attachedHostIds: [...c.attachedHosts].sort() };
  },

  setMaintenance(ctx, enabled) {
    cluster(ctx).maintenance = enabled;
    return { state: enabled ? 'maintenance' : 'up' };
  },

  createVolume(ctx, spec) {
    const iops = {
      min: spec.minIops ?? ctx.properties.minIops,
      max: spec.maxIops ?? ctx.properties.maxIops,
    };
    const volume = cluster(ctx).createVolume(spec, iops, ctx.t);
    ctx.logger.info(
      { volume: volume.id, size: bytes.format(volume.sizeBytes), iops },
      'volume created',
    );
    return volume;
  },

  deleteVolume(ctx, volumeId) {
    cluster(ctx).deleteVolume(volumeId, ctx.t);
  },

  resizeVolume(ctx, volumeId, newSizeBytes) {
    return cluster(ctx).resizeVolume(volumeId, newSizeBytes, ctx.t);
  },

  takeSnapshot(ctx, volumeId, name) {
    return cluster(ctx).takeSnapshot(volumeId, name, ctx.t);
  },

  revertSnapshot(ctx, snapshotId) {
    return cluster(ctx).revertSnapshot(snapshotId, ctx.t);
  },

  grantAccess(ctx, volumeId, host) {
    return cluster(ctx).grantAccess(volumeId, host, ctx.t);
  },

  revokeAccess(ctx, volumeId, hostId) {
    cluster(ctx).revokeAccess(volumeId, hostId, ctx.t);
  },

  stats(ctx) {
    return cluster(ctx).stats();
  },

  capabilities(_ctx) {
    return {
      protocols: ['iscsi'],
      snapshots: true,
      revertSnapshot: true,
      resize: true,
      shrink: false,
      qos: true,
      thinProvisioning: true,
      maxVolumeSizeBytes: MAX_VOLUME_BYTES,
    };
  },
} satisfies PrimaryStorageDriver<SolidFireProperties>;

/** The CAR's entry: SolidFire-like primary storage, simulated in memory. */
export default {
  start(ctx) {
    ctx.logger.info({ driver: ctx.driver.id }, 'SolidFire driver started');
  },
  stop() {
    // Forget the simulated clusters: a real driver would close its API sessions here.
    clusters.clear();
  },
  health() {
    return { healthy: true, detail: `${clusters.size} cluster(s) connected` };
  },
  provides: { 'storage.primary': storage },
} satisfies DriverDefinition;
