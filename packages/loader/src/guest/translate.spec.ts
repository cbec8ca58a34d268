import { describe, expect, it } from 'vitest';
import { createTranslate } from './translate.js';

const messages = {
  en: { hello: 'Hello {name}', only: 'English only' },
  de: { hello: 'Hallo {name}' },
};

describe('createTranslate', () => {
  it.each([
    ['de', 'hello', { name: 'Ada' }, 'Hallo Ada'],
    ['de', 'only', undefined, 'English only'],
    ['fr', 'hello', { name: 'Bo' }, 'Hello Bo'],
    ['en', 'missing.key', undefined, 'missing.key'],
    ['en', 'hello', {}, 'Hello {name}'],
    ['en', 'hello', { name: 3 }, 'Hello 3'],
  ])('%s %s → %s', (locale, key, params, expected) => {
    expect(createTranslate(messages, locale)(key, params)).toBe(expected);
  });

  it('works with an empty catalog', () => {
    expect(createTranslate({})('x')).toBe('x');
  });
});
