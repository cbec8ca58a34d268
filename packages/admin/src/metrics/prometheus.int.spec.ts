import type { LifecycleEvent } from '@chassis/kernel';
import type { RuntimeApi, UpgradeRecord } from '@chassis/runtime';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstrumentationHook, MetricsSnapshot } from '../hooks/instrumentation.js';
import { type AdminServer, createAdminServer } from '../server/create-admin-server.js';
import { as, TOKENS, testServer } from '../server/test-server.js';
import { createFakeRuntime } from '../testing/fake-runtime.js';

let current: AdminServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** An admin server over `runtime` (e.g. a fake with one method replaced). */
function server(runtime: RuntimeApi, memoryTimeoutMs: number): AdminServer {
  return createAdminServer({
    runtime,
    logger: pino({ level: 'silent' }),
    auth: { tokens: { [TOKENS.viewer]: { id: 'vera', roles: ['viewer'] } } },
    metrics: { memoryTimeoutMs },
    metricsIntervalMs: 0,
  });
}

function recorder() {
  const seen = {
    lifecycle: [] as LifecycleEvent[],
    upgrades: [] as UpgradeRecord[],
    metrics: [] as MetricsSnapshot[],
  };
  const hook: InstrumentationHook = {
    onLifecycle: (e) => seen.lifecycle.push(e),
    onUpgrade: (r) => seen.upgrades.push(r),
    onMetrics: (s) => seen.metrics.push(s),
  };
  return { seen, hook };
}

describe('Prometheus /metrics', () => {
  it('exports driver state, executor calls/errors/latency/queue and upgrades by result', async () => {
    const { server, runtime } = testServer({ metricsIntervalMs: 0 });
    current = server;
    runtime.recordCall('com.example.solidfire', 3000, false);
    await runtime
      .upgrade('org.example.nvp', { version: '1.0.0' }, { id: 'x', roles: [] })
      .catch(() => {});
    await runtime.upgrade('com.example.solidfire', {}, { id: 'x', roles: [] });
    runtime.failNext('upgrade', new Error('boom'));
    await runtime
      .upgrade('com.example.solidfire', { version: '2.0.0' }, { id: 'x', roles: [] })
      .catch(() => {});
    const res = await server.app.inject({ url: '/metrics', headers: as('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain(
      'chassis_driver_state{driver="com.example.kvm",version="1.0.0",state="Failed",active="true"} 1',
    );
    expect(text).toContain(
      'chassis_driver_state{driver="com.example.solidfire",version="2.1.0",state="Running",active="true"} 1',
    );
    expect(text).toContain(
      'chassis_executor_calls_total{driver="com.example.solidfire",version="2.0.0"} 13',
    );
    expect(text).toContain(
      'chassis_executor_errors_total{driver="com.example.solidfire",version="2.0.0"} 2',
    );
    expect(text).toContain(
      'chassis_executor_latency_ms_bucket{driver="com.example.solidfire",version="2.0.0",le="5"} 2',
    );
    expect(text).toContain(
      'chassis_executor_latency_ms_bucket{driver="com.example.solidfire",version="2.0.0",le="+Inf"} 13',
    );
    expect(text).toContain(
      'chassis_executor_latency_ms_count{driver="com.example.solidfire",version="2.0.0"} 13',
    );
    expect(text).toMatch(
      /chassis_executor_queue_depth\{driver="org.example.nvp",version="1.0.0"\} 0/,
    );
    expect(text).toContain('chassis_upgrades_total{action="upgrade",result="succeeded"} 1');
    expect(text).toContain('chassis_upgrades_total{action="upgrade",result="failed"} 1');
    expect(text).toContain(
      'chassis_driver_resources{driver="com.example.solidfire",version="2.1.0"} 2',
    );
    expect(text).toContain(
      'chassis_driver_heap_used_bytes{driver="org.example.nvp",version="1.0.0",tier="process"} 9486336',
    );
    expect(text).toContain(
      'chassis_driver_rss_bytes{driver="org.example.nvp",version="1.0.0",tier="process"} 59817984',
    );
    expect(text).toContain(
      'chassis_driver_heap_total_bytes{driver="com.example.solidfire",version="2.1.0",tier="worker"} 16777216',
    );
    expect(text).toContain(
      'chassis_driver_external_bytes{driver="com.example.solidfire",version="2.1.0",tier="worker"} 2097152',
    );
    // rss is the process tier's only; an in-process (here also Failed) driver has no memory of its own.
    expect(text).not.toContain('chassis_driver_rss_bytes{driver="com.example.solidfire"');
    expect(text).not.toContain('driver="com.example.kvm",version="1.0.0",tier=');
  });

  it('asks the drivers for their memory once per scrape, and GET /api/metrics/memory returns the same', async () => {
    const fake = createFakeRuntime();
    let reads = 0;
    const timeouts: (number | undefined)[] = [];
    const runtime: RuntimeApi = {
      ...fake,
      driverMemory(options) {
        reads++;
        timeouts.push(options?.timeoutMs);
        return fake.driverMemory(options);
      },
    };
    current = server(runtime, 120);
    const res = await current.app.inject({ url: '/metrics', headers: as('viewer') });
    expect(res.body).toContain(
      'chassis_driver_heap_used_bytes{driver="com.example.solidfire",version="2.0.0",tier="worker"} 9486336',
    );
    expect(reads).toBe(1);
    const json = await current.app.inject({ url: '/api/metrics/memory', headers: as('viewer') });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual(await fake.driverMemory());
    expect(timeouts).toEqual([120, 120]);
    const anonymous = await current.app.inject({ url: '/api/metrics/memory' });
    expect(anonymous.statusCode).toBe(401);
  });

  it.each([
    ['never answers', () => new Promise<never>(() => {})],
    ['rejects', () => Promise.reject(new Error('worker gone'))],
    [
      'throws',
      () => {
        throw new Error('broken');
      },
    ],
  ])('still answers /metrics when reading driver memory %s (memory left out)', async (_, read) => {
    const fake = createFakeRuntime();
    current = server({ ...fake, driverMemory: read }, 50);
    const res = await current.app.inject({ url: '/metrics', headers: as('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('chassis_executor_calls_total{driver="org.example.nvp"');
    expect(res.body).toContain('# TYPE chassis_driver_heap_used_bytes gauge');
    expect(res.body).not.toMatch(/chassis_driver_heap_used_bytes\{/);
    const json = await current.app.inject({ url: '/api/metrics/memory', headers: as('viewer') });
    expect(json.json()).toEqual([]);
  });

  it('uses its own registry: two servers do not collide', async () => {
    const a = testServer();
    const b = testServer();
    try {
      expect(
        (await a.server.app.inject({ url: '/metrics', headers: as('viewer') })).statusCode,
      ).toBe(200);
      expect(
        (await b.server.app.inject({ url: '/metrics', headers: as('viewer') })).statusCode,
      ).toBe(200);
    } finally {
      await a.server.close();
      await b.server.close();
    }
  });
});

describe('InstrumentationHook', () => {
  it('receives lifecycle events, upgrade records and metric snapshots; a throwing hook harms nobody', async () => {
    const { seen, hook } = recorder();
    const broken: InstrumentationHook = {
      onLifecycle: () => {
        throw new Error('exporter down');
      },
    };
    const { server, runtime } = testServer({ hooks: [broken, hook], metricsIntervalMs: 0 });
    current = server;
    await runtime.upgrade('com.example.solidfire', {}, { id: 'x', roles: [] });
    expect(seen.lifecycle.map((e) => `${e.version}:${e.to}`)).toEqual([
      '2.1.0:Verified',
      '2.1.0:Resolved',
      '2.1.0:Loaded',
      '2.1.0:Starting',
      '2.1.0:Running',
      '2.0.0:Suspended',
      '2.0.0:Running',
    ]);
    expect(seen.upgrades.map((r) => r.result)).toEqual(['running', 'succeeded']);
    await server.app.inject({ url: '/metrics', headers: as('viewer') });
    expect(seen.metrics).toHaveLength(1);
    expect(seen.metrics[0]?.drivers).toContainEqual({
      id: 'com.example.solidfire',
      version: '2.1.0',
      state: 'Running',
      active: true,
      resources: 2,
    });
    await server.close();
    current = undefined;
    runtime.setState('com.example.kvm', '1.0.0', 'Starting');
    expect(seen.lifecycle).toHaveLength(7);
  });
});
