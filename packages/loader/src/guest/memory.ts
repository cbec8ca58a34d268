import { isMainThread } from 'node:worker_threads';
import type { GuestMemory } from '../rpc/protocol.js';

/**
 * This guest's memory, measured where it runs, from `process.memoryUsage()`: Node computes its
 * heap and external numbers per isolate (`external` includes `arrayBuffers`). Not
 * `v8.getHeapStatistics()`, which reads the same heap numbers: `node:v8` would be one more
 * module every worker loads at start. `rss` is reported by a child process only: in a worker
 * thread it is the whole process's, host and every other worker included.
 */
export function measureGuestMemory(ownProcess: boolean = isMainThread): GuestMemory {
  const usage = process.memoryUsage();
  return {
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: Math.max(usage.external, usage.arrayBuffers),
    ...(ownProcess ? { rssBytes: usage.rss } : {}),
  };
}
