import type { DriverPermissions } from '@chassis/kernel';
import type { PermissionFlags } from './node-flags.js';

/** Inputs of {@link confinedExecArgv}. */
export interface ConfinedArgs {
  readonly flags: PermissionFlags;
  /** The driver's extracted CAR folder (read-only to it); it need not exist yet. */
  readonly carDir: string;
  /** Folders Node needs to boot the guest (the loader's own compiled guest files). */
  readonly bootDirs: readonly string[];
  /** The per-driver scratch folder (its only writable place). */
  readonly scratchDir: string;
  /** Requested AND granted permissions. */
  readonly permissions: Required<DriverPermissions>;
  readonly heapMb?: number;
}

const dir = (p: string) => (p.endsWith('/') ? p : `${p}/`);

/**
 * Node flags of a confined process-tier driver: the permission model with reads limited to its
 * CAR, the guest's boot files and granted paths, writes to its scratch folder, no child
 * processes / workers / addons unless granted, and its heap cap. Pure.
 */
export function confinedExecArgv(a: ConfinedArgs): string[] {
  const args = [a.flags.enable];
  if (a.flags.quiet) args.push(a.flags.quiet);
  // The CAR folder gets its wildcard spelled out: Node adds it itself only for a folder that
  // exists at startup, and the loader spawns while the CAR is still being extracted (the same
  // grant once the folder exists; a sibling such as `<sha256>x` stays outside).
  args.push(`--allow-fs-read=${dir(a.carDir)}*`);
  for (const p of [...a.bootDirs, a.scratchDir]) args.push(`--allow-fs-read=${dir(p)}`);
  for (const p of a.permissions.read) args.push(`--allow-fs-read=${p}`);
  args.push(`--allow-fs-write=${dir(a.scratchDir)}`);
  if (a.permissions.childProcess) args.push('--allow-child-process');
  if (a.permissions.worker) args.push('--allow-worker');
  if (a.permissions.addons && a.flags.addons) args.push('--allow-addons');
  if (a.heapMb) args.push(`--max-old-space-size=${a.heapMb}`);
  return args;
}
