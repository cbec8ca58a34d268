import { createTranslator } from '@chassis/kernel/messages';
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../executor/cancellation.js';
import type { LogLevel } from '../rpc/protocol.js';
import { CallContext, type ContextScope } from './call-context.js';

function scope() {
  const lines: Array<[LogLevel, Record<string, unknown>, Record<string, unknown>, unknown]> = [];
  const locales: Array<string | undefined> = [];
  const s: ContextScope = {
    driver: { id: 'com.example.d', version: '1.0.0' },
    sink: (level, bindings, fields, msg) => lines.push([level, bindings, fields, msg]),
    translator: (locale) => {
      locales.push(locale);
      return createTranslator({ en: { hi: 'Hello {name}' }, de: { hi: 'Hallo {name}' } }, locale);
    },
  };
  return { s, lines, locales };
}

const resource = { id: 'pool-1', kind: 'primary-storage-pool' } as never;

describe('CallContext', () => {
  it('builds logger, t and signal on first read only, once each', () => {
    const { s, lines, locales } = scope();
    const cancel = new Cancellation();
    const ctx = new CallContext(s, cancel, Object.freeze({ a: 1 }), resource, 'de');
    expect(locales).toEqual([]);
    expect(ctx.t('hi', { name: 'Ada' })).toBe('Hallo Ada');
    expect(ctx.t).toBe(ctx.t);
    expect(locales).toEqual(['de']);
    ctx.logger.info({ n: 1 }, 'line');
    ctx.logger.child({ op: 'x' }).warn('child');
    expect(ctx.logger).toBe(ctx.logger);
    expect(lines).toEqual([
      ['info', { resource: 'pool-1' }, { n: 1 }, 'line'],
      ['warn', { resource: 'pool-1', op: 'x' }, {}, 'child'],
    ]);
    expect(ctx.signal).toBe(cancel.signal);
    cancel.abort('timeout');
    expect(ctx.signal.aborted).toBe(true);
  });

  it('a hook context has no resource binding and an empty frozen bag', () => {
    const { s, lines } = scope();
    const ctx = new CallContext(s, new Cancellation());
    ctx.logger.info('started');
    expect(lines).toEqual([['info', {}, {}, 'started']]);
    expect(ctx.properties).toEqual({});
    expect(Object.isFrozen(ctx.properties)).toBe(true);
    expect(ctx.resource).toBeUndefined();
    expect(ctx.driver).toEqual({ id: 'com.example.d', version: '1.0.0' });
  });

  it('spreading copies the data members and exposes none of its internals', () => {
    const { s } = scope();
    const ctx = new CallContext(s, new Cancellation(), Object.freeze({ a: 1 }), resource);
    expect(Object.keys({ ...ctx }).sort()).toEqual(['driver', 'properties', 'resource']);
  });
});
