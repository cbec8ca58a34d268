import { describe, expect, it } from 'vitest';
import { DEMO_DRIVERS, runDemo } from './main.js';

describe('kernel demo', () => {
  it('starts network → storage base → dependent storage → hypervisor and stops in reverse', async () => {
    const lines: string[] = [];
    const result = await runDemo((line) => lines.push(line));
    const expected = [
      DEMO_DRIVERS.network,
      DEMO_DRIVERS.storageBase,
      DEMO_DRIVERS.storageDependent,
      DEMO_DRIVERS.hypervisor,
    ];
    expect(result.failed).toEqual([]);
    expect(result.startOrder).toEqual(expected);
    expect(result.stopOrder).toEqual([...expected].reverse());
    // The printed lines say the same, and every transition was printed as it happened.
    expect(lines).toContain(`start order: ${expected.join(' → ')}`);
    expect(lines).toContain(`stop order: ${[...expected].reverse().join(' → ')}`);
    const printed = lines.filter((l) => l.startsWith('lifecycle') && !l.includes('(new)'));
    expect(printed).toHaveLength(result.transitions.length);
    expect(result.transitions.filter((t) => t.to === 'Running').map((t) => t.driver)).toEqual(
      expected,
    );
    expect(lines.at(-1)).toMatch(/^final states: .*=Unloaded$/);
  });

  it('operates every resource through its compartment, queueing work while suspended', async () => {
    const lines: string[] = [];
    await runDemo((line) => lines.push(line));
    const ops = lines.filter((l) => l.startsWith('op'));
    for (const id of ['net-guest', 'pool-sf-1', 'pool-gw-1', 'host-kvm-1']) {
      expect(ops.some((l) => l.includes(id))).toBe(true);
    }
    expect(ops.join('\n')).toContain('queued (1 waiting)');
    expect(ops.join('\n')).toContain('startVm vm-1 → vm-1 Running (ip 10.1.0.10, root sf-vol-1)');
  });

  it('prints the same lines on every run (no timestamps)', async () => {
    const a: string[] = [];
    const b: string[] = [];
    await runDemo((l) => a.push(l));
    await runDemo((l) => b.push(l));
    expect(a).toEqual(b);
  });
});
