import { Type } from '@sinclair/typebox';
import { literals, type Shape } from './shape.js';

/** Per-driver executor numbers (calls, errors, latency, queue), as plain data. */
export const ExecutorMetricsSchema = Type.Object(
  {
    driverId: Type.String(),
    version: Type.String(),
    calls: Type.Integer(),
    errors: Type.Integer(),
    inFlight: Type.Integer(),
    queued: Type.Integer(),
    latencyBuckets: Type.Array(Type.Object({ le: Type.Number(), count: Type.Integer() }), {
      description: 'Latency histogram: upper bounds in ms → cumulative counts',
    }),
    latencySumMs: Type.Number(),
  },
  { description: "One driver version's executor numbers" },
);
/** Per-driver executor numbers. */
export type ExecutorMetricsView = Shape<typeof ExecutorMetricsSchema>;

/**
 * Memory of one driver version's isolated environment (worker thread or child process), as the
 * environment measured it. `rssBytes` only for the `process` tier: a worker shares the host's
 * resident set. In-process versions have no memory of their own and are never listed.
 */
export const DriverMemorySchema = Type.Object(
  {
    driverId: Type.String(),
    version: Type.String(),
    tier: literals(['worker', 'process']),
    heapUsedBytes: Type.Integer(),
    heapTotalBytes: Type.Integer(),
    externalBytes: Type.Integer({
      description: 'Buffers, ArrayBuffers and other memory held outside the V8 heap',
    }),
    rssBytes: Type.Optional(Type.Integer({ description: 'process tier only' })),
  },
  { description: "Memory of one driver version's isolated environment" },
);
/** Memory of one driver version's isolated environment. */
export type DriverMemoryView = Shape<typeof DriverMemorySchema>;
