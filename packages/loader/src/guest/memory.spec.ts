import { describe, expect, it } from 'vitest';
import { measureGuestMemory } from './memory.js';

describe('measureGuestMemory', () => {
  it('reports rss only for a guest that owns its process', () => {
    const own = measureGuestMemory(true);
    const shared = measureGuestMemory(false);
    expect(own.rssBytes).toBeGreaterThan(own.heapUsedBytes);
    expect(shared).not.toHaveProperty('rssBytes');
  });

  it('counts a Buffer in external memory, not in the heap', () => {
    const hold = Buffer.alloc(16 * 1024 * 1024, 1);
    const after = measureGuestMemory(false);
    expect(after.externalBytes).toBeGreaterThanOrEqual(hold.length);
    expect(after.heapUsedBytes).toBeLessThan(after.externalBytes);
    expect(after.heapTotalBytes).toBeGreaterThanOrEqual(after.heapUsedBytes);
  });
});
