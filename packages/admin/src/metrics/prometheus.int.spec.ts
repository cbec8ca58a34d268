import type { LifecycleEvent } from '@chassis/kernel';
import type { UpgradeRecord } from '@chassis/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstrumentationHook, MetricsSnapshot } from '../hooks/instrumentation.js';
import type { AdminServer } from '../server/create-admin-server.js';
import { as, testServer } from '../server/test-server.js';

let current: AdminServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

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
