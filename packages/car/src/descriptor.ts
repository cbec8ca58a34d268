import { readFileSync } from 'node:fs';
import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import semver from 'semver';
import { DEFAULT_CAR_LIMITS } from './limits.js';

/** One schema violation: where (`provides[0].point`, `(root)`) and what. */
export interface DescriptorViolation {
  readonly path: string;
  readonly message: string;
}

/** URL of the published JSON Schema of `driver.yaml` (shipped in the package's `schema/`). */
export const DRIVER_SCHEMA_URL = new URL('../schema/driver.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;

/** The parsed JSON Schema of `driver.yaml`. */
export function driverSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(DRIVER_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

function compiled(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
    driverSchema(),
  );
  return validator;
}

/**
 * Parses `driver.yaml` text safely and validates it. YAML goes through js-yaml's core schema
 * (no custom tags, no timestamps, no merge keys) with a size cap, and any anchor is refused
 * (aliases need anchors), so a billion-laughs document never expands. Throws
 * `CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE`, `_PARSE` or `_INVALID` (every violation at once).
 */
export function parseDescriptor(
  text: string,
  source = 'driver.yaml',
  maxBytes: number = DEFAULT_CAR_LIMITS.maxDescriptorBytes,
): DriverDescriptor {
  const size = Buffer.byteLength(text);
  if (size > maxBytes) {
    throw new ChassisError(
      'CHASSIS_E_CAR_DESCRIPTOR_TOO_LARGE',
      `${source} is ${size} bytes, over the ${maxBytes}-byte cap; keep the descriptor small (messages belong in resources/messages/)`,
      { details: { file: source, size, max: maxBytes } },
    );
  }
  let value: unknown;
  try {
    const options = {
      filename: source,
      schema: yaml.CORE_SCHEMA,
      json: false,
      maxDepth: 32,
      listener(event: string, state: unknown) {
        if (event === 'close' && (state as { anchor: string | null }).anchor !== null) {
          throw new Error(
            'YAML anchors and aliases are not allowed in driver.yaml (they can expand exponentially)',
          );
        }
      },
    };
    // maxDepth is a js-yaml 4.2+ option the typings do not know yet.
    value = yaml.load(text, options as yaml.LoadOptions);
  } catch (cause) {
    const mark = (cause as { mark?: { line: number; column: number } }).mark;
    throw new ChassisError(
      'CHASSIS_E_CAR_DESCRIPTOR_PARSE',
      `${source} is not valid YAML: ${(cause as Error).message.split('\n')[0]}`,
      {
        details: {
          file: source,
          ...(mark ? { line: mark.line + 1, column: mark.column + 1 } : {}),
        },
        cause,
      },
    );
  }
  return validateDescriptor(value, source);
}

/**
 * Validates a parsed descriptor against the JSON Schema plus what a schema cannot say
 * (semver ranges, unique property keys and extension points). Reports every violation at once
 * in `CHASSIS_E_CAR_DESCRIPTOR_INVALID` (`details.violations: {path, message}[]`).
 */
export function validateDescriptor(value: unknown, source = 'driver.yaml'): DriverDescriptor {
  const validate = compiled();
  const violations: DescriptorViolation[] = [];
  if (!validate(value)) {
    for (const e of validate.errors ?? []) {
      // if/then wrappers repeat the inner error; the inner one is enough.
      if (e.keyword === 'if') continue;
      violations.push({ path: errorPath(e), message: errorMessage(e) });
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    violations.push(...semanticViolations(value as Record<string, unknown>));
  }
  if (violations.length > 0) {
    const list = violations.map((v) => `${v.path}: ${v.message}`).join('; ');
    throw new ChassisError(
      'CHASSIS_E_CAR_DESCRIPTOR_INVALID',
      `${source} has ${violations.length} problem(s): ${list}`,
      { details: { file: source, violations } },
    );
  }
  return value as DriverDescriptor;
}

function semanticViolations(d: Record<string, unknown>): DescriptorViolation[] {
  const out: DescriptorViolation[] = [];
  const range = (path: string, v: unknown) => {
    if (typeof v === 'string' && v.length > 0 && semver.validRange(v) === null) {
      out.push({ path, message: `"${v}" is not a semver range (e.g. "^1.0.0")` });
    }
  };
  const engines = d.engines as Record<string, unknown> | undefined;
  if (engines && typeof engines === 'object') range('engines.chassis', engines.chassis);
  const list = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]) : []);
  const points = new Set<unknown>();
  list('provides').forEach((p, i) => {
    if (typeof p !== 'object' || p === null) return;
    const entry = p as Record<string, unknown>;
    range(`provides[${i}].version`, entry.version);
    if (Array.isArray(entry.handles)) {
      entry.handles.forEach((h, j) => {
        range(`provides[${i}].handles[${j}]`, h);
      });
    }
    if (points.has(entry.point)) {
      out.push({ path: `provides[${i}].point`, message: `"${entry.point}" is provided twice` });
    }
    points.add(entry.point);
  });
  list('requires').forEach((r, i) => {
    if (typeof r !== 'object' || r === null) return;
    const entry = r as Record<string, unknown>;
    range(`requires[${i}].version`, entry.version);
    if (entry.id === d.id)
      out.push({ path: `requires[${i}].id`, message: 'a driver cannot require itself' });
  });
  const keys = new Set<unknown>();
  list('properties').forEach((p, i) => {
    if (typeof p !== 'object' || p === null) return;
    const entry = p as Record<string, unknown>;
    if (keys.has(entry.key)) {
      out.push({
        path: `properties[${i}].key`,
        message: `property "${entry.key}" is declared twice`,
      });
    }
    keys.add(entry.key);
    if (
      typeof entry.maxLength === 'number' &&
      typeof entry.default === 'string' &&
      entry.default.length > entry.maxLength
    ) {
      out.push({
        path: `properties[${i}].default`,
        message: `is longer than maxLength ${entry.maxLength}`,
      });
    }
  });
  return out;
}

/** `/provides/0/point` → `provides[0].point`; missing/additional properties name the property. */
function errorPath(e: ErrorObject): string {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra =
    e.keyword === 'required'
      ? (e.params as { missingProperty: string }).missingProperty
      : e.keyword === 'additionalProperties'
        ? (e.params as { additionalProperty: string }).additionalProperty
        : undefined;
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

function errorMessage(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return e.message ?? e.keyword;
  }
}
