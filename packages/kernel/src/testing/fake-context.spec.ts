import { describe, expect, it } from 'vitest';
import { fakeContext, fakeDriverContext, TEST_DRIVER } from './fake-context.js';

const messages = {
  en: { greet: 'Hello {name}', only: 'English only' },
  fr: { greet: 'Bonjour {name}' },
};

describe('fakeContext', () => {
  it('carries the bag and a resource owned by the driver', () => {
    const props = Object.freeze({ url: 'x' });
    const ctx = fakeContext(props, { resourceId: 'pool-9', driver: { id: 'd', version: '2.0.0' } });
    expect(ctx.properties).toBe(props);
    expect(ctx.driver).toEqual({ id: 'd', version: '2.0.0' });
    expect(ctx.resource).toEqual({ id: 'pool-9', kind: 'test', category: 'test', driverId: 'd' });
    expect(ctx.signal.aborted).toBe(false);
  });

  it('defaults to the test driver, resource-1 and en', () => {
    const ctx = fakeContext({}, { messages });
    expect(ctx.driver).toEqual(TEST_DRIVER);
    expect(ctx.resource.id).toBe('resource-1');
    expect(ctx.t('greet', { name: 'Ada' })).toBe('Hello Ada');
  });

  it.each([
    ['fr', 'greet', { name: 'Ada' }, 'Bonjour Ada'],
    ['fr', 'only', undefined, 'English only'],
    ['fr-CA', 'greet', { name: 'Ada' }, 'Bonjour Ada'],
    ['fr', 'missing.key', undefined, 'missing.key'],
    ['fr', 'greet', {}, 'Bonjour {name}'],
  ] as const)('t in %s resolves %s', (locale, key, params, text) => {
    expect(fakeContext({}, { messages, locale }).t(key, params)).toBe(text);
  });

  it('answers the key when it has no messages', () => {
    expect(fakeDriverContext().t('a.key')).toBe('a.key');
  });

  it('records what its logger and the logger children log, per context', () => {
    const a = fakeContext({});
    const b = fakeContext({});
    a.logger.info({ volume: 1 }, 'created');
    a.logger.child({ resource: 'r' }).warn('slow');
    expect(a.logLines).toEqual([[{ volume: 1 }, 'created'], ['slow']]);
    expect(b.logLines).toEqual([]);
  });

  it('uses the signal it is given', () => {
    const controller = new AbortController();
    controller.abort();
    expect(fakeDriverContext({ signal: controller.signal }).signal.aborted).toBe(true);
  });
});
