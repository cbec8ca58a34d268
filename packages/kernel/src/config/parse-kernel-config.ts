import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { CORE_SCHEMA, load } from 'js-yaml';
import { ChassisError } from '../errors/chassis-error.js';
import { deepFreeze, type KernelConfig } from './kernel-config.js';
import { KERNEL_CONFIG_SCHEMA } from './kernel-config-schema.js';

/** One schema violation: a JSON pointer into the configuration and what is wrong there. */
export interface ConfigViolation {
  /** JSON pointer, e.g. `/executor/concurrency`; `""` is the whole document. */
  readonly path: string;
  readonly message: string;
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(
    KERNEL_CONFIG_SCHEMA,
  );
  return validator;
}

/**
 * Parses kernel configuration text (YAML or JSON), validates it and fills the defaults. The
 * YAML loader uses the core schema (no custom tags, no code) and refuses anchors and aliases:
 * a configuration file should read the same top to bottom. Throws `CHASSIS_E_CONFIG_PARSE`
 * for text that does not parse, `CHASSIS_E_CONFIG_INVALID` with every violation at once
 * (`details.violations`) for data that does not match. `source` (a file name) goes into
 * messages. An empty YAML document means "all defaults".
 */
export function parseKernelConfig(
  text: string,
  format: 'yaml' | 'json',
  source?: string,
): KernelConfig {
  return validateKernelConfig(parseText(text, format, source), source);
}

/** Validates already-parsed data (for example assembled by a CLI); same errors and defaults. */
export function validateKernelConfig(data: unknown, source?: string): KernelConfig {
  const copy = data === undefined || data === null ? {} : structuredCloneOrSelf(data);
  const check = validate();
  if (check(copy)) return deepFreeze(copy as KernelConfig);
  const violations = toViolations(check.errors ?? []);
  const where = describeSource(source);
  throw new ChassisError(
    'CHASSIS_E_CONFIG_INVALID',
    `Kernel configuration ${where} is invalid (${violations.length} problem${violations.length === 1 ? '' : 's'}): ` +
      `${violations.map((v) => `${v.path || '(root)'} ${v.message}`).join('; ')}. Fix ${where} and restart`,
    { details: { source: source ?? null, violations } },
  );
}

function parseText(text: string, format: 'yaml' | 'json', source?: string): unknown {
  const where = describeSource(source);
  try {
    if (format === 'json') return JSON.parse(text);
    const anchors: { anchor: string; line: number }[] = [];
    const data = load(text, {
      schema: CORE_SCHEMA,
      ...(source ? { filename: source } : {}),
      listener(event, state) {
        const { anchor, line } = state as unknown as { anchor?: string | null; line: number };
        if (event === 'close' && anchor) anchors.push({ anchor, line: line + 1 });
      },
    });
    if (anchors.length > 0) {
      throw new ChassisError(
        'CHASSIS_E_CONFIG_PARSE',
        `Kernel configuration ${where} uses YAML anchors (${anchors.map((a) => `&${a.anchor}`).join(', ')}); ` +
          'anchors and aliases are not allowed, write each value out',
        { details: { source: source ?? null, anchors } },
      );
    }
    return data;
  } catch (err) {
    if (ChassisError.is(err)) throw err;
    throw new ChassisError(
      'CHASSIS_E_CONFIG_PARSE',
      `Kernel configuration ${where} is not valid ${format.toUpperCase()}: ${(err as Error).message}`,
      { details: { source: source ?? null, format }, cause: err },
    );
  }
}

function describeSource(source: string | undefined): string {
  return source ? `"${source}"` : '(inline)';
}

function structuredCloneOrSelf(data: unknown): unknown {
  // Defaults are written into the object being validated; never into the caller's.
  try {
    return structuredClone(data);
  } catch {
    // Not cloneable (a function or class instance in an inline config): validation still sees
    // every value and reports it; only the defaults land in the caller's object.
    return data;
  }
}

const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Turns ajv errors into one violation per problem, pointing at the offending key. */
function toViolations(errors: readonly ErrorObject[]): ConfigViolation[] {
  const out: ConfigViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // `propertyNames` repeats the concrete error reported for the key itself.
    if (e.keyword === 'propertyNames') continue;
    let path = e.instancePath;
    let message = e.message ?? 'is invalid';
    const name = (e as { propertyName?: string }).propertyName;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      path = `${path}/${pointerToken(key)}`;
      message = 'is not a known setting (check the spelling)';
    } else if (name !== undefined) {
      path = `${path}/${pointerToken(name)}`;
      message = `is not a valid key: ${message}`;
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    const key = `${path}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}
