import { describe, it } from 'vitest';
import { MemoryStateStore } from './memory-state-store.js';
import { stateStoreConformance } from './state-store-conformance.js';

describe('MemoryStateStore conformance', () => {
  for (const c of stateStoreConformance) it(c.name, () => c.run(new MemoryStateStore()));
});
