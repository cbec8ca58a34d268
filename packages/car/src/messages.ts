import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import { MESSAGES_DIR } from './layout.js';

/** Locale → key → text, from `resources/messages/<locale>.json`. */
export type MessageCatalog = Record<string, Record<string, string>>;

const LOCALE_FILE = /^resources\/messages\/([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\.json$/;

/** The locale a path names when it is a message file, otherwise `undefined`. */
export function messageLocale(path: string): string | undefined {
  return LOCALE_FILE.exec(path)?.[1];
}

/**
 * Parses one message file: a flat JSON object of strings. Throws
 * `CHASSIS_E_CAR_MESSAGES_INVALID` naming the file otherwise (or when over `maxBytes`).
 */
export function parseMessages(
  bytes: Buffer,
  file: string,
  maxBytes: number,
): Record<string, string> {
  const fail = (why: string, cause?: unknown): never => {
    throw new ChassisError('CHASSIS_E_CAR_MESSAGES_INVALID', `${file} ${why}`, {
      details: { file },
      ...(cause ? { cause } : {}),
    });
  };
  if (bytes.length > maxBytes) fail(`is ${bytes.length} bytes, over the ${maxBytes}-byte cap`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    fail(`is not valid JSON: ${(cause as Error).message}`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('must be a JSON object of "key": "text" pairs');
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`has a non-string value at "${k}"; messages are flat strings`);
    out[k] = v as string;
  }
  return out;
}

/** Every `labelKey`/`descriptionKey` of the descriptor that `en` lacks, in declaration order. */
export function missingMessageKeys(
  descriptor: DriverDescriptor,
  en: Readonly<Record<string, string>> | undefined,
): string[] {
  const missing: string[] = [];
  for (const p of descriptor.properties ?? []) {
    for (const key of [p.labelKey, p.descriptionKey]) {
      if (key !== undefined && !(en && Object.hasOwn(en, key)) && !missing.includes(key)) {
        missing.push(key);
      }
    }
  }
  return missing;
}

/**
 * Throws `CHASSIS_E_CAR_MESSAGES_MISSING` listing every label/description key absent from
 * `resources/messages/en.json` (the fallback locale must be complete).
 */
export function assertMessagesComplete(
  descriptor: DriverDescriptor,
  catalog: MessageCatalog,
  source?: string,
): void {
  const missing = missingMessageKeys(descriptor, catalog.en);
  if (missing.length === 0) return;
  throw new ChassisError(
    'CHASSIS_E_CAR_MESSAGES_MISSING',
    `${source ? `${source}: ` : ''}${MESSAGES_DIR}en.json lacks ${missing.length} key(s) used by driver.yaml: ${missing.join(', ')}`,
    { details: { file: `${MESSAGES_DIR}en.json`, missing, ...(source ? { source } : {}) } },
  );
}
