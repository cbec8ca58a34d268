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

/** One driver at one instant of the metrics history (every version of the driver summed). */
export const DriverPointSchema = Type.Object({
  driverId: Type.String(),
  callRate: Type.Number({ description: 'Calls per second over the interval ending here' }),
  errorRate: Type.Number({ description: 'Failed calls per second over the same interval' }),
  p50Ms: Type.Optional(Type.Number({ description: 'Absent when the interval had no call' })),
  p95Ms: Type.Optional(Type.Number()),
  p99Ms: Type.Optional(Type.Number()),
  heapUsedBytes: Type.Optional(
    Type.Integer({ description: 'Isolated environments only (absent in-process)' }),
  ),
});
/** One driver at one instant of the metrics history. */
export type DriverPoint = Shape<typeof DriverPointSchema>;

/** `GET /api/metrics/history`: the short in-memory history behind the UI's charts. */
export const MetricsHistorySchema = Type.Object(
  {
    intervalMs: Type.Integer(),
    samples: Type.Array(
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        drivers: Type.Array(DriverPointSchema),
      }),
      { description: 'Oldest first' },
    ),
  },
  { description: 'Kept in memory only; a restart empties it' },
);
/** The metrics history: its sampling interval and the samples kept. */
export type MetricsHistory = Shape<typeof MetricsHistorySchema>;
/** One sample of the metrics history: when, and every driver's point. */
export type HistorySample = MetricsHistory['samples'][number];
