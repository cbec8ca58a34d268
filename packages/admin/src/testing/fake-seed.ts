import { applyConfigChange, ChassisError, serializeError } from '@chassis/kernel';
import { FAKE_SEED, fakeCatalog } from './fake-data.js';
import { emit } from './fake-lifecycle.js';
import { addVersion, BOOT, type FakeState, fakeSha } from './fake-state.js';

/**
 * Fills the fake repository with the sample catalog and, unless `empty`, installs the sample
 * drivers (one of them Failed, each with a few recorded executor calls) and their resources.
 */
export function seedFakeState(s: FakeState, empty: boolean): void {
  for (const entry of fakeCatalog())
    s.catalog.set(`${entry.descriptor.id}@${entry.descriptor.version}`, entry);
  if (empty) return;
  for (const seed of FAKE_SEED.installed) {
    const entry = s.catalog.get(`${seed.id}@${seed.version}`)!;
    const d = addVersion(s, entry, fakeSha(seed.id, seed.version));
    const v = d.versions.get(seed.version)!;
    for (const to of BOOT) emit(s, seed.id, seed.version, v, to);
    if ('failed' in seed && seed.failed) {
      const cause = new ChassisError(
        'CHASSIS_E_LIFECYCLE_STEP_FAILED',
        `${seed.id}: host unreachable`,
      );
      emit(s, seed.id, seed.version, v, 'Failed', cause);
      // As the restart supervisor reports it: one restart tried, the next one due in a minute.
      v.restarts = {
        attempts: 1,
        maxAttempts: 5,
        lastError: serializeError(cause),
        lastFaultAt: new Date().toISOString(),
        nextRetryAt: new Date(Date.now() + 60_000).toISOString(),
        gaveUp: false,
      };
    }
    d.active = seed.version;
    v.calls = 12;
    v.latencies = [3, 8, 12, 40, 7, 9, 15, 22, 4, 6, 130, 11];
    v.errors = 1;
  }
  for (const r of FAKE_SEED.resources) {
    const d = s.drivers.get(r.driverId)!;
    const v = d.versions.get(d.active!)!;
    s.resources.set(r.id, {
      resource: {
        id: r.id,
        kind: r.kind,
        category: v.descriptor.category,
        driverId: r.driverId,
        ...('name' in r ? { name: r.name } : {}),
      },
      binding: { driverId: r.driverId, version: d.active! },
      config: applyConfigChange(v.descriptor.properties ?? [], undefined, r.properties),
      state: 'active',
    });
  }
}
