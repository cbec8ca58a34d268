import { describe, expect, it } from 'vitest';
import { planDriverVersions } from './reconcile-plan.js';
import type { DriverRecord } from './records.js';

const record = (versions: string[], active?: string): DriverRecord => ({
  id: 'd',
  ...(active ? { active } : {}),
  versions: versions.map((version) => ({
    version,
    sha256: version,
    car: `shared-car:${version}`,
    installedAt: 't',
    signature: { signed: false } as DriverRecord['versions'][number]['signature'],
  })),
});

describe('planDriverVersions: what a member following the shared records keeps loaded', () => {
  it.each<{
    name: string;
    record: DriverRecord | undefined;
    previousActive?: string;
    loaded: string[];
    retired?: string[];
    boundHere?: string[];
    boundAnywhere?: string[];
    load: string[];
    unload: string[];
    held?: string[];
    retiredAfter: string[];
  }>([
    {
      name: 'a version installed elsewhere is loaded (as an install leaves it Running)',
      record: record(['1', '2'], '1'),
      previousActive: '1',
      loaded: ['1'],
      load: ['2'],
      unload: [],
      retiredAfter: [],
    },
    {
      name: 'after its own commit: the old version it unloaded is not loaded again',
      record: record(['1', '2'], '2'),
      previousActive: '2',
      loaded: ['2'],
      retired: ['1'],
      load: [],
      unload: [],
      retiredAfter: ['1'],
    },
    {
      name: 'another member committed first: the old active version is unloaded here too',
      record: record(['1', '2'], '2'),
      previousActive: '1',
      loaded: ['1', '2'],
      load: [],
      unload: ['1'],
      retiredAfter: ['1'],
    },
    {
      name: 'another member committed first, a resource elsewhere still on the old version (pinned): kept',
      record: record(['1', '2'], '2'),
      previousActive: '1',
      loaded: ['1', '2'],
      boundAnywhere: ['1', '2'],
      load: [],
      unload: [],
      retiredAfter: [],
    },
    {
      name: 'a retired version a resource is bound to again (takeover, rollback elsewhere): loaded again',
      record: record(['1', '2'], '2'),
      previousActive: '2',
      loaded: ['2'],
      retired: ['1'],
      boundAnywhere: ['1'],
      load: ['1'],
      unload: [],
      retiredAfter: [],
    },
    {
      name: 'a retired version made active again elsewhere (cluster rollback): loaded again',
      record: record(['1', '2'], '1'),
      previousActive: '2',
      loaded: ['2'],
      retired: ['1'],
      load: ['1'],
      unload: ['2'],
      retiredAfter: ['2'],
    },
    {
      name: 'a version uninstalled elsewhere: unloaded, or held while a resource here is bound to it',
      record: record(['2'], '2'),
      previousActive: '2',
      loaded: ['1', '2'],
      boundHere: ['1'],
      load: [],
      unload: [],
      held: ['1'],
      retiredAfter: [],
    },
    {
      name: 'the driver uninstalled elsewhere: everything unloaded, nothing retired',
      record: undefined,
      previousActive: '2',
      loaded: ['2'],
      retired: ['1'],
      load: [],
      unload: ['2'],
      retiredAfter: [],
    },
    {
      name: 'a first pass on a member that knows nothing yet: every recorded version',
      record: record(['1', '2'], '1'),
      loaded: [],
      load: ['1', '2'],
      unload: [],
      retiredAfter: [],
    },
  ])('$name', (t) => {
    const plan = planDriverVersions({
      record: t.record,
      previousActive: t.previousActive,
      loaded: new Set(t.loaded),
      retired: new Set(t.retired ?? []),
      boundHere: new Set(t.boundHere ?? []),
      boundAnywhere: new Set(t.boundAnywhere ?? []),
    });
    expect(plan).toEqual({
      load: t.load,
      unload: t.unload,
      held: t.held ?? [],
      retired: t.retiredAfter,
    });
  });
});
