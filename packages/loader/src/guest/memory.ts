import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import type { GuestMemory } from '../rpc/protocol.js';

/**
 * This guest's memory, measured where it runs. The heap numbers come from this isolate's own
 * `v8.getHeapStatistics()` and `external` from `process.memoryUsage()`, which Node computes per
 * isolate (it includes `arrayBuffers`). `rss` is reported by a child process only: in a worker
 * thread it is the whole process's, host and every other worker included.
 */
export function measureGuestMemory(ownProcess: boolean = isMainThread): GuestMemory {
  const heap = getHeapStatistics();
  const usage = process.memoryUsage();
  return {
    heapUsedBytes: heap.used_heap_size,
    heapTotalBytes: heap.total_heap_size,
    externalBytes: Math.max(usage.external, usage.arrayBuffers),
    ...(ownProcess ? { rssBytes: usage.rss } : {}),
  };
}
