import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { ISOLATION_TIERS } from '../config/kernel-config.js';
import type { IsolationTier, PropertyType } from '../descriptor/index.js';
import type { SerializedError } from '../errors/chassis-error.js';
import type { LifecycleEvent } from '../lifecycle/events.js';
import { DriverStates } from '../lifecycle/states.js';
import type { CompartmentState, Resource, ResourceBinding } from '../resource/index.js';
import {
  type CompartmentStateSchema,
  DriverSummarySchema,
  IsolationTierSchema,
  type LifecycleEventSchema,
  pickProperties,
  type ResourceBindingSchema,
  type ResourceSchema,
  RolloutPolicySchema,
  type Shape,
  summarySchemas,
  VersionSummarySchema,
} from './index.js';

/** `true` only when `A` and `B` are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// The kernel's hand-written contracts and their summary schemas cannot drift apart.
const resourceSame: Same<Resource, Shape<typeof ResourceSchema>> = true;
const bindingSame: Same<ResourceBinding, Shape<typeof ResourceBindingSchema>> = true;
const tierSame: Same<IsolationTier, Shape<typeof IsolationTierSchema>> = true;
const stateSame: Same<CompartmentState, Shape<typeof CompartmentStateSchema>> = true;
const propertyTypeSame: Same<PropertyType, Shape<typeof summarySchemas.FormField>['type']> = true;
const eventSame: Same<LifecycleEvent, Shape<typeof LifecycleEventSchema>> = true;
const errorSame: Same<
  SerializedError,
  NonNullable<Shape<typeof VersionSummarySchema>['failure']>
> = true;

const version = {
  version: '1.0.0',
  state: 'Running',
  active: true,
  tier: 'worker',
  resources: ['r1'],
  installedAt: '2026-01-01T00:00:00.000Z',
  sha256: 'ab'.repeat(32),
  signature: { signed: true, vendor: 'Acme' },
} as const;

// TypeBox checks only registered formats; the schemas use `date-time` for OpenAPI clients.
FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));

describe('summary schemas', () => {
  it('match the kernel contracts they describe (compile-time checks above)', () => {
    expect([
      resourceSame,
      bindingSame,
      propertyTypeSame,
      errorSame,
      stateSame,
      tierSame,
      eventSame,
    ]).toEqual([true, true, true, true, true, true, true]);
  });

  it('list exactly the lifecycle states and isolation tiers of the kernel', () => {
    const consts = (s: { anyOf: readonly { const: string }[] }) => s.anyOf.map((x) => x.const);
    expect(consts(VersionSummarySchema.properties.state)).toEqual([...DriverStates]);
    expect(consts(IsolationTierSchema)).toEqual([...ISOLATION_TIERS]);
  });

  it('define every property they mark required', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as { required?: unknown; properties?: Record<string, unknown> };
      if (Array.isArray(o.required))
        for (const key of o.required) if (!o.properties?.[key]) missing.push(`${where}.${key}`);
      for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
    };
    walk(summarySchemas, '');
    expect(missing).toEqual([]);
  });

  it('validate a real summary and refuse a wrong one', () => {
    const summary = {
      id: 'com.acme.x',
      name: 'X',
      vendor: 'Acme',
      category: 'storage',
      provides: [{ point: 'storage.primary', version: '^1.0.0' }],
      requires: [],
      versions: [version],
    };
    expect(Value.Check(DriverSummarySchema, summary)).toBe(true);
    expect(Value.Check(DriverSummarySchema, { ...summary, state: 'Sleeping' })).toBe(false);
    expect(Value.Check(DriverSummarySchema, { ...summary, versions: [{ version: '1' }] })).toBe(
      false,
    );
  });
});

describe('rollout policy schema', () => {
  // The admin API validates upgrade bodies with this very schema, so it must be closed.
  it.each([
    [{ kind: 'one-at-a-time' }, true],
    [{ kind: 'all-at-once' }, true],
    [{ kind: 'canary', canaries: 2 }, true],
    [{ kind: 'canary', canaries: 0 }, false],
    [{ kind: 'canary' }, false],
    [{ kind: 'one-at-a-time', canaries: 1 }, false],
    [{ kind: 'blue-green' }, false],
  ])('%j → %s', (policy, valid) => {
    expect(Value.Check(RolloutPolicySchema, policy)).toBe(valid);
  });
});

describe('pickProperties', () => {
  it.each([
    ['keeps the declared properties', { ...version, id: 'x', messages: {} }, version],
    [
      'leaves out absent optional ones',
      { ...version, failure: undefined },
      version as Record<string, unknown>,
    ],
  ])('%s', (_name, input, expected) => {
    const picked = pickProperties(VersionSummarySchema, input as typeof version);
    expect(picked).toEqual(expected);
    expect(Object.keys(picked)).toEqual(Object.keys(expected));
  });
});
