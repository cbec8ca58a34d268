// A cluster member in its own process, for the kill -9 test: node member-process.mjs <url> <dataDir> <id> <trusted driver>
// Prints "ready" once it runs; then waits to be killed.
import { DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { startClusterMember } from '../../../dist/index.js';

const [url, dataDir, id, trusted] = process.argv.slice(2);
await startClusterMember({
  dataDir,
  config: {
    ...DEFAULT_KERNEL_CONFIG,
    isolation: { ...DEFAULT_KERNEL_CONFIG.isolation, default: 'in-process' },
    confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [trusted] },
  },
  reconcileMs: 1000,
  cluster: {
    memberId: id,
    database: { connectionString: url, reconnectTimeoutMs: 5000 },
    leaseTtlMs: 1200,
    secret: 'a-cluster-secret-of-at-least-32-bytes!',
    forward: 'refuse',
    ownerWaitMs: 300,
  },
});
process.stdout.write('ready\n');
setInterval(() => {}, 1 << 30);
