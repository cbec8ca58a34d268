import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import type { PropertyBag } from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { type MessageCatalog, resolveMessage } from '../messages/messages.js';
import { parseIsoDate } from './iso-date.js';
import { compilePropertiesSchema, ISO_8601_FORMAT } from './schema.js';

/** Which rule a property value broke. */
export type ViolationRule = 'required' | 'type' | 'maxLength' | 'format' | 'unknown';

/** One reason a property bag was refused; every violation of a bag is reported at once. */
export interface PropertyViolation {
  /** The property key (`''` when the bag itself is not an object). */
  readonly key: string;
  readonly rule: ViolationRule;
  /** The human label from the driver's messages (falls back to `en`, then the key). */
  readonly label: string;
  /** An English sentence naming the property and what to do. */
  readonly message: string;
}

/** Options of {@link validateProperties}. */
export interface ValidateOptions {
  /** The CAR's message files, for human labels in violations. */
  readonly messages?: MessageCatalog;
  /** Locale of the labels (default `en`). */
  readonly locale?: string;
  /**
   * Accept form/CLI input: numeric strings become numbers and `"true"`/`"false"` booleans.
   * Off by default: an API client sending `"5"` for a number has a bug worth reporting.
   */
  readonly coerce?: boolean;
  /** Driver id, named in the error message and details. */
  readonly driver?: string;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictNumbers: true });
ajv.addFormat(ISO_8601_FORMAT, { type: 'string', validate: (s) => parseIsoDate(s) !== undefined });

// Descriptors live as long as their driver version, so each is compiled once: by identity (fast
// path) and by content, so that re-parsing the same driver.yaml does not compile again. Ajv keeps
// every compiled schema until it is removed, so the content cache is bounded and evicts
// explicitly.
const byIdentity = new WeakMap<readonly PropertyDescriptor[], ValidateFunction>();
const byContent = new Map<string, { schema: object; fn: ValidateFunction }>();
/** How many distinct descriptors stay compiled (far more than drivers installed at once). */
export const MAX_COMPILED_DESCRIPTORS = 256;

function validatorFor(descriptor: readonly PropertyDescriptor[]): ValidateFunction {
  const known = byIdentity.get(descriptor);
  if (known) return known;
  const key = JSON.stringify(descriptor);
  let entry = byContent.get(key);
  if (entry) {
    byContent.delete(key); // re-insert: most recently used last
  } else {
    const schema = compilePropertiesSchema(descriptor);
    entry = { schema, fn: ajv.compile(schema) };
    if (byContent.size >= MAX_COMPILED_DESCRIPTORS) {
      const [oldestKey, oldest] = byContent.entries().next().value as [string, { schema: object }];
      byContent.delete(oldestKey);
      ajv.removeSchema(oldest.schema);
    }
  }
  byContent.set(key, entry);
  byIdentity.set(descriptor, entry.fn);
  return entry.fn;
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Absent values (`undefined`, `null`) are dropped so that defaults and `required` apply to them. */
function normalise(
  descriptor: readonly PropertyDescriptor[],
  input: Readonly<Record<string, unknown>>,
  coerce: boolean,
): Record<string, unknown> {
  const types = new Map(descriptor.map((p) => [p.key, p.type]));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    let value = input[key];
    if (value === undefined || value === null) continue;
    const type = types.get(key);
    if (type === 'date' && value instanceof Date) {
      value = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    } else if (coerce && type === 'number' && typeof value === 'string' && NUMERIC.test(value)) {
      value = Number(value);
    } else if (coerce && type === 'boolean' && (value === 'true' || value === 'false')) {
      value = value === 'true';
    }
    Object.defineProperty(out, key, { value, enumerable: true, writable: true });
  }
  for (const p of descriptor) {
    if (p.default !== undefined && !Object.hasOwn(out, p.key)) out[p.key] = p.default;
  }
  return out;
}

function describeType(descriptor: PropertyDescriptor | undefined): string {
  if (descriptor?.type === 'number') return 'a finite number';
  if (descriptor?.type === 'boolean') return 'true or false';
  if (descriptor?.type === 'date') return 'an ISO 8601 date';
  return 'a string';
}

function toViolation(
  error: ErrorObject,
  byKey: ReadonlyMap<string, PropertyDescriptor>,
  data: Readonly<Record<string, unknown>>,
  options: ValidateOptions,
): PropertyViolation | undefined {
  const labelOf = (key: string): string => {
    const p = byKey.get(key);
    return (p && resolveMessage(options.messages, options.locale, p.labelKey)) ?? key;
  };
  const make = (key: string, rule: ViolationRule, text: string): PropertyViolation => {
    const label = labelOf(key);
    const name = label === key ? `"${key}"` : `"${label}" (${key})`;
    return { key, rule, label, message: `${name} ${text}` };
  };
  const pathKey = error.instancePath.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
  switch (error.keyword) {
    case 'required':
      return make(String(error.params.missingProperty), 'required', 'is required.');
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const where = options.driver ? ` of driver ${options.driver}` : '';
      return make(key, 'unknown', `is not a property${where}; remove it or check its spelling.`);
    }
    case 'minLength':
      return make(pathKey, 'required', 'is required and must not be empty.');
    case 'maxLength': {
      const got = [...String(data[pathKey])].length;
      return make(
        pathKey,
        'maxLength',
        `must be at most ${error.params.limit} characters (got ${got}).`,
      );
    }
    case 'format':
      return make(
        pathKey,
        'format',
        'must be an ISO 8601 date such as 2024-05-01 or 2024-05-01T12:00:00Z.',
      );
    case 'type': {
      const value = data[pathKey];
      // Only non-finite numbers are worth echoing, and never a secret's value.
      const echo = typeof value === 'number' && !byKey.get(pathKey)?.secret;
      const got = echo ? String(value) : typeof value;
      return make(pathKey, 'type', `must be ${describeType(byKey.get(pathKey))} (got ${got}).`);
    }
    default:
      return pathKey === '' ? undefined : make(pathKey, 'type', String(error.message));
  }
}

function freezeBag(
  descriptor: readonly PropertyDescriptor[],
  data: Readonly<Record<string, unknown>>,
): PropertyBag {
  const bag: Record<string, string | number | boolean | Date> = {};
  for (const p of descriptor) {
    if (!Object.hasOwn(data, p.key)) continue;
    const v = data[p.key] as string | number | boolean;
    bag[p.key] = p.type === 'date' ? (parseIsoDate(v as string) as Date) : v;
  }
  return Object.freeze(bag);
}

/**
 * Validates a configuration against a driver's property descriptor and returns it as a frozen
 * {@link PropertyBag}: defaults filled, `date` values as `Date`. Every violation is reported at
 * once in one `CHASSIS_E_PROPS_INVALID` error (`details.violations`), so a form can mark all
 * bad fields in one round trip. Secret values never appear in messages or details.
 */
export function validateProperties(
  descriptor: readonly PropertyDescriptor[],
  input: unknown,
  options: ValidateOptions = {},
): PropertyBag {
  const validate = validatorFor(descriptor);
  const driverText = options.driver ? ` of driver ${options.driver}` : '';
  if (
    typeof input !== 'object' ||
    input === null ||
    Array.isArray(input) ||
    input instanceof Date
  ) {
    const violation: PropertyViolation = {
      key: '',
      rule: 'type',
      label: '',
      message: `The configuration${driverText} must be an object of key/value pairs.`,
    };
    throw invalid(options, [violation]);
  }
  const data = normalise(descriptor, input as Record<string, unknown>, options.coerce === true);
  if (validate(data)) return freezeBag(descriptor, data);
  const byKey = new Map(descriptor.map((p) => [p.key, p]));
  const order = new Map(descriptor.map((p, i) => [p.key, i]));
  const seen = new Set<string>();
  const violations: PropertyViolation[] = [];
  for (const error of validate.errors ?? []) {
    const v = toViolation(error, byKey, data, options);
    if (!v || seen.has(`${v.key}\0${v.rule}`)) continue;
    seen.add(`${v.key}\0${v.rule}`);
    violations.push(v);
  }
  // Descriptor order first (the order of the form), then unknown keys.
  const rank = (v: PropertyViolation): number => order.get(v.key) ?? order.size;
  violations.sort((a, b) => rank(a) - rank(b));
  throw invalid(options, violations);
}

function invalid(options: ValidateOptions, violations: PropertyViolation[]): ChassisError {
  const driverText = options.driver ? ` for driver ${options.driver}` : '';
  const n = violations.length;
  return new ChassisError(
    'CHASSIS_E_PROPS_INVALID',
    `${n} invalid propert${n === 1 ? 'y' : 'ies'}${driverText}: ${violations.map((v) => v.message).join(' ')}`,
    { details: { ...(options.driver ? { driver: options.driver } : {}), violations } },
  );
}
