import {
  CatalogDriverSchema,
  DriverDetailSchema,
  type DriverIdentitySchema,
  DriverMemorySchema,
  DriverSummarySchema,
  ExecutorMetricsSchema,
  LifecycleEventSchema,
  ResourceDetailSchema,
  ResourceInfoSchema,
  ResourceTestResultSchema,
  type Shape,
  summarySchemas,
  UpdateNoticeSchema,
  UpgradePlanSchema,
  UpgradeRecordSchema,
  VersionSummarySchema,
} from '@chassis/kernel/summaries';
import { schemaProblems as problems } from '@chassis/kernel/testing';
import type { DriverInfo, DriverVersionInfo, ResourceInfo } from '@chassis/runtime';
import type { Static, TObject } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { DriverSummary, VersionSummary } from '../routes/views.js';
import { as, testServer } from '../server/test-server.js';
import { openApiDocument } from './document.js';

// Compile-time drift checks: a property added to a summary schema is a member of the runtime
// API type (which must then fill it) and of the admin view type, or this file does not compile.
type Keys<S extends TObject> = keyof Static<S>;
type Covers<T, S extends TObject> =
  Record<keyof T, true> extends Record<Keys<S>, true> ? true : false;
const apiCoversVersion: Covers<DriverVersionInfo, typeof VersionSummarySchema> = true;
const apiCoversDriver: Covers<DriverInfo, typeof DriverIdentitySchema> = true;
const apiCoversResource: Covers<ResourceInfo, typeof ResourceInfoSchema> = true;
// The admin views are the schema's type, not a copy of it.
const viewIsSchema = {} as { v: VersionSummary; d: DriverSummary } satisfies {
  v: Shape<typeof VersionSummarySchema>;
  d: Shape<typeof DriverSummarySchema>;
};

describe('summary schemas in the OpenAPI document', () => {
  it('are the kernel schemas themselves, served with every property', async () => {
    const { server } = testServer();
    try {
      const served = (
        await server.app.inject({ url: '/openapi.json', headers: as('viewer') })
      ).json() as { components: { schemas: Record<string, { properties?: object }> } };
      const components = openApiDocument.components.schemas as Record<string, unknown>;
      for (const [name, schema] of Object.entries(summarySchemas)) {
        expect(components[name]).toBe(schema);
        const keys = 'properties' in schema ? Object.keys(schema.properties) : [];
        expect(Object.keys(served.components.schemas[name]?.properties ?? {})).toEqual(keys);
      }
    } finally {
      await server.close();
    }
  });

  it('resolves every $ref to a component', () => {
    const dangling: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const r = (node as { $ref?: unknown }).$ref;
      if (typeof r === 'string') {
        const [, kind, name] = r.match(/^#\/components\/(\w+)\/(\w+)$/) ?? [];
        const group = (openApiDocument.components as Record<string, object>)[kind ?? ''];
        if (!group || !(name! in group)) dangling.push(r);
      }
      for (const v of Object.values(node)) walk(v);
    };
    walk(openApiDocument);
    expect(dangling).toEqual([]);
    expect([apiCoversVersion, apiCoversDriver, apiCoversResource, viewIsSchema]).toBeTruthy();
  });

  it('describe exactly what the admin API answers', async () => {
    const { server } = testServer();
    const get = async (url: string) =>
      (await server.app.inject({ url, headers: as('viewer') })).json() as unknown;
    try {
      const found: string[] = [];
      const drivers = (await get('/api/drivers')) as { id: string; versions: unknown[] }[];
      expect(drivers.length).toBeGreaterThan(1);
      for (const d of drivers) {
        found.push(...problems(DriverSummarySchema, d, `drivers/${d.id}`));
        for (const v of d.versions) found.push(...problems(VersionSummarySchema, v, d.id));
        found.push(...problems(DriverDetailSchema, await get(`/api/drivers/${d.id}`), d.id));
        const events = (await get(`/api/drivers/${d.id}/lifecycle`)) as unknown[];
        expect(events.length).toBeGreaterThan(0);
        for (const e of events) found.push(...problems(LifecycleEventSchema, e, `${d.id}/events`));
      }
      const resources = (await get('/api/resources')) as { resource: { id: string } }[];
      expect(resources.length).toBeGreaterThan(1);
      for (const r of resources) {
        const id = r.resource.id;
        found.push(...problems(ResourceInfoSchema, r, id));
        found.push(...problems(ResourceDetailSchema, await get(`/api/resources/${id}`), id));
      }
      const tested = await server.app.inject({
        method: 'POST',
        url: `/api/resources/${resources[0]!.resource.id}/test`,
        headers: as('operator'),
        payload: {},
      });
      found.push(...problems(ResourceTestResultSchema, tested.json(), 'test'));
      for (const m of (await get('/api/metrics/executors')) as unknown[])
        found.push(...problems(ExecutorMetricsSchema, m, 'executors'));
      const memory = (await get('/api/metrics/memory')) as unknown[];
      expect(memory.length).toBeGreaterThan(0);
      for (const m of memory) found.push(...problems(DriverMemorySchema, m, 'memory'));
      for (const u of (await get('/api/updates')) as unknown[])
        found.push(...problems(UpdateNoticeSchema, u, 'updates'));
      const catalog = (await get('/api/catalog')) as { id: string }[];
      expect(catalog.length).toBeGreaterThan(1);
      for (const c of catalog) found.push(...problems(CatalogDriverSchema, c, `catalog/${c.id}`));
      found.push(
        ...problems(CatalogDriverSchema, await get(`/api/catalog/${catalog[0]!.id}`), 'c'),
      );
      const post = async (url: string, payload: object) =>
        (await server.app.inject({ method: 'POST', url, headers: as('admin'), payload })).json();
      const upgrade = { version: '2.1.0', policy: { kind: 'canary', canaries: 1 } };
      const driver = '/api/drivers/com.example.solidfire';
      await post('/api/drivers', {
        source: { kind: 'repository', id: 'com.example.solidfire', version: '2.1.0' },
      });
      found.push(
        ...problems(UpgradePlanSchema, await post(`${driver}/upgrade-plan`, upgrade), 'plan'),
      );
      found.push(...problems(UpgradeRecordSchema, await post(`${driver}/upgrade`, upgrade), 'up'));
      const history = (await get('/api/upgrades')) as unknown[];
      expect(history.length).toBeGreaterThan(1);
      for (const r of history) found.push(...problems(UpgradeRecordSchema, r, 'history'));
      expect(found).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
