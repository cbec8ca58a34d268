import { describe, expect, it } from 'vitest';
import type { ResourceInfo } from './drivers-rows.js';
import { renderResource, renderResourceList } from './resources-render.js';

const row = (id: string, owner?: ResourceInfo['owner']): ResourceInfo => ({
  resource: { id, kind: 'pool', category: 'storage', driverId: 'd' },
  binding: { driverId: 'd', version: '2.0.0' },
  configuration: {},
  state: 'active',
  queued: 0,
  ...(owner ? { owner } : {}),
});

describe('resources rows: the owner in cluster mode', () => {
  it.each([
    { name: 'standalone: no OWNER column', rows: [row('p1')], has: [], not: ['OWNER', 'fallback'] },
    {
      name: 'cluster: the owner of each row',
      rows: [row('p1', { memberId: 'a', fallback: false }), row('p2')],
      has: ['OWNER', /p1 .* a$/m],
      not: ['fallback'],
    },
    {
      name: 'a fallback owner is marked, with a note saying why',
      rows: [row('p1', { memberId: 'b', fallback: true })],
      has: ['b (fallback)', /^fallback: owned by a member that does not run the bound version/m],
      not: [],
    },
  ])('$name', ({ rows, has, not }) => {
    const out = renderResourceList(rows);
    for (const h of has) expect(out).toMatch(h);
    for (const n of not) expect(out).not.toContain(n);
  });

  it('resources show names the owner, and a fallback with its cause', () => {
    expect(renderResource(row('p1'))).not.toContain('owned by');
    expect(renderResource(row('p1', { memberId: 'a', fallback: false }))).toContain(
      'owned by member a\n',
    );
    expect(renderResource(row('p1', { memberId: 'b', fallback: true }))).toContain(
      'owned by member b as a fallback: no live member runs d@2.0.0',
    );
  });
});
