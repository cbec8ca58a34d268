/**
 * Kills a process group led by `pid` (a driver process spawned `detached`, so everything it
 * started shares its group). Returns false when no process of the group is left.
 */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    // ESRCH: the whole group is already gone; anything else (EPERM) is not ours to kill.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
