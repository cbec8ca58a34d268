import type { PropertyDescriptor, PropertyType } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import { parseIsoDate } from './iso-date.js';

/** The `format` name compiled `date` properties carry; the validator registers it with ajv. */
export const ISO_8601_FORMAT = 'iso-8601';

/** A JSON Schema (draft-07) object, as produced by {@link compilePropertiesSchema}. */
export interface PropertiesJsonSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

const TYPES: readonly PropertyType[] = ['string', 'date', 'number', 'boolean'];
const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks a descriptor for mistakes a vendor can make in `driver.yaml` (duplicate keys, unknown
 * types, a `maxLength` on a number, a default of the wrong type) and throws
 * `CHASSIS_E_PROPS_DESCRIPTOR_INVALID` listing all of them, so that a broken CAR is refused
 * once, at load time, instead of failing every configuration later.
 */
export function checkDescriptor(descriptor: readonly PropertyDescriptor[], driver?: string): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(descriptor)) {
    problems.push('properties must be a list');
  } else {
    descriptor.forEach((p, i) => {
      const at = `properties[${i}]`;
      if (typeof p !== 'object' || p === null) {
        problems.push(`${at} must be an object`);
        return;
      }
      if (typeof p.key !== 'string' || !KEY_PATTERN.test(p.key) || RESERVED_KEYS.has(p.key)) {
        problems.push(`${at}.key "${String(p.key)}" must match ${KEY_PATTERN.source}`);
      } else if (seen.has(p.key)) {
        problems.push(`${at}.key "${p.key}" is declared twice`);
      } else {
        seen.add(p.key);
      }
      if (typeof p.labelKey !== 'string' || p.labelKey === '') {
        problems.push(`${at} (${String(p.key)}) needs a labelKey`);
      }
      if (!TYPES.includes(p.type)) {
        problems.push(
          `${at} (${String(p.key)}) has type "${String(p.type)}"; use ${TYPES.join(' | ')}`,
        );
        return;
      }
      if (p.maxLength !== undefined) {
        if (p.type !== 'string') {
          problems.push(`${at} (${p.key}) has maxLength but type ${p.type}; only strings have one`);
        } else if (!Number.isInteger(p.maxLength) || p.maxLength < 1) {
          problems.push(`${at} (${p.key}) maxLength must be a positive integer`);
        }
      }
      if (p.default !== undefined && !defaultFits(p)) {
        problems.push(
          `${at} (${p.key}) default ${JSON.stringify(p.default)} is not a valid ${p.type}`,
        );
      }
    });
  }
  if (problems.length > 0) {
    throw new ChassisError(
      'CHASSIS_E_PROPS_DESCRIPTOR_INVALID',
      `The property descriptor${driver ? ` of driver ${driver}` : ''} is invalid: ${problems.join('; ')}. Fix the properties section of driver.yaml.`,
      { details: { ...(driver ? { driver } : {}), problems } },
    );
  }
}

function defaultFits(p: PropertyDescriptor): boolean {
  const v = p.default;
  switch (p.type) {
    case 'string':
      return typeof v === 'string' && (p.maxLength === undefined || [...v].length <= p.maxLength);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return typeof v === 'string' && parseIsoDate(v) !== undefined;
  }
}

/**
 * Compiles a `driver.yaml` property descriptor to a JSON Schema (draft-07) that admin UIs and
 * other tools can use. `date` becomes a string with format `iso-8601`, secrets are marked
 * `writeOnly`, unknown keys are refused (`additionalProperties: false`) and required strings
 * must not be empty. Throws `CHASSIS_E_PROPS_DESCRIPTOR_INVALID` on a malformed descriptor.
 */
export function compilePropertiesSchema(
  descriptor: readonly PropertyDescriptor[],
): PropertiesJsonSchema {
  checkDescriptor(descriptor);
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const p of descriptor) {
    const schema: Record<string, unknown> =
      p.type === 'date'
        ? { type: 'string', format: ISO_8601_FORMAT }
        : { type: p.type === 'number' ? 'number' : p.type };
    if (p.type === 'string' && p.required) schema.minLength = 1;
    if (p.maxLength !== undefined) schema.maxLength = p.maxLength;
    if (p.default !== undefined) schema.default = p.default;
    if (p.secret) schema.writeOnly = true;
    properties[p.key] = schema;
    if (p.required) required.push(p.key);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}
