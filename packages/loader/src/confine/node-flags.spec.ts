import { describe, expect, it } from 'vitest';
import { detectPermissionFlags } from './node-flags.js';

describe('detectPermissionFlags', () => {
  it.each([
    {
      node: 'Node 20 (experimental, no --allow-addons, no --disable-warning)',
      flags: ['--experimental-permission', '--allow-fs-read', '--allow-child-process'],
      want: { enable: '--experimental-permission', addons: false },
    },
    {
      node: 'Node 20.11+ (experimental, --disable-warning exists)',
      flags: ['--experimental-permission', '--disable-warning'],
      want: {
        enable: '--experimental-permission',
        addons: false,
        quiet: '--disable-warning=ExperimentalWarning',
      },
    },
    {
      node: 'Node 22+ (renamed to --permission, --allow-addons)',
      flags: ['--permission', '--experimental-permission', '--allow-addons', '--disable-warning'],
      want: { enable: '--permission', addons: true },
    },
  ])('$node', ({ flags, want }) => {
    expect(detectPermissionFlags(new Set(flags))).toEqual(want);
  });

  it('the running Node: its flag is one it accepts', () => {
    const found = detectPermissionFlags();
    expect(process.allowedNodeEnvironmentFlags.has(found.enable)).toBe(true);
    // Node 20 (this repository's engine) still spells it --experimental-permission.
    if (process.versions.node.startsWith('20.'))
      expect(found.enable).toBe('--experimental-permission');
  });
});
