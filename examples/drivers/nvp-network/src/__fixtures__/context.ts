import { readFileSync } from 'node:fs';
import type { OperationContext, PropertyBag } from '@chassis/kernel';

const logLines: unknown[] = [];
const log = (...args: unknown[]) => {
  logLines.push(args);
};
const logger = { debug: log, info: log, warn: log, error: log, child: () => logger };

function messages(locale: string): Record<string, string> {
  const url = new URL(`../../resources/messages/${locale}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

/**
 * A fake OperationContext like the one the runtime builds: the given bag, a resource, a
 * recording logger and `t` over the project's own message files.
 */
export function fakeContext<P extends PropertyBag>(
  properties: P,
  resourceId = 'nvp-1',
  locale = 'en',
): OperationContext<P> & { readonly logLines: unknown[] } {
  const table = { ...messages('en'), ...(locale === 'en' ? {} : messages(locale)) };
  return {
    driver: { id: 'com.example.test', version: '1.0.0' },
    logger,
    logLines,
    signal: new AbortController().signal,
    t: (key, params) =>
      (table[key] ?? key).replace(/\{(\w+)\}/g, (m, name: string) =>
        params && name in params ? String(params[name]) : m,
      ),
    properties,
    resource: { id: resourceId, kind: 'test', category: 'test', driverId: 'com.example.test' },
  };
}
