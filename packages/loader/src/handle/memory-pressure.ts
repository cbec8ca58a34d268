/** How long after its memory last grew a silent guest is still taken for one filling its heap. */
export const GROWTH_STALL_MS = 5000;
/** Resident memory of an idle guest process that is not its heap (node itself, code, stacks). */
const BASE_RSS = 64 * 1024 * 1024;
/** Growth of the resident memory that counts as the guest filling its heap. */
const GROWTH_BYTES = 1024 * 1024;

/** True when the resident memory grew by {@link GROWTH_BYTES} from `before` to `now`. */
function grew(before: number | undefined, now: number | undefined): now is number {
  return now !== undefined && before !== undefined && now - before >= GROWTH_BYTES;
}

/**
 * True when the guest (its own process) holds ¾ of its heap cap over an idle process's 64 MiB:
 * V8 thrashing before it gives up.
 */
function nearHeapCap(
  now: number | undefined,
  own: boolean | undefined,
  heapLimitMb: number | undefined,
): boolean {
  if (now === undefined || own !== true || heapLimitMb === undefined) return false;
  // A bare node child is already ≈ 45 MiB resident: that is not heap.
  return now >= heapLimitMb * 1024 * 1024 * 0.75 + BASE_RSS;
}

/**
 * True when a silent guest looks like it is running out of memory rather than spinning: the
 * resident memory grew by a MiB since `before`, or it is near its heap cap ({@link nearHeapCap}).
 * Pure.
 */
export function memoryPressure(
  before: number | undefined,
  now: number | undefined,
  own: boolean | undefined,
  heapLimitMb: number | undefined,
): boolean {
  return grew(before, now) || nearHeapCap(now, own, heapLimitMb);
}

/** What a liveness probe remembers of a silent guest's memory between its polls. */
export interface MemoryWatch {
  /** The reading growth is measured from: the probe's first, then each one that grew. */
  readonly mark: number | undefined;
  /** When a reading last grew (epoch ms); `undefined` until one did. */
  readonly grewAt: number | undefined;
}

/**
 * One poll of a silent guest's memory at time `at`: whether to keep waiting for V8 to end it
 * (its memory grew since the mark, or grew less than {@link GROWTH_STALL_MS} ago, or it is
 * near its heap cap), and the watch for the next poll. Pure.
 */
export function pollMemory(
  watch: MemoryWatch,
  now: number | undefined,
  at: number,
  own: boolean | undefined,
  heapLimitMb: number | undefined,
): { readonly wait: boolean; readonly watch: MemoryWatch } {
  const next = grew(watch.mark, now) ? { mark: now, grewAt: at } : watch;
  const recent = next.grewAt !== undefined && at - next.grewAt < GROWTH_STALL_MS;
  return { wait: recent || nearHeapCap(now, own, heapLimitMb), watch: next };
}
