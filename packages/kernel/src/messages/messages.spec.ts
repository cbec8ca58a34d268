import { describe, expect, it } from 'vitest';
import { createTranslator, localeChain, resolveMessage } from './messages.js';

const messages = {
  en: { hello: 'Hello {name}', only: 'English only' },
  fr: { hello: 'Bonjour {name}' },
  'fr-CA': { hello: 'Allo {name}' },
};

describe('messages', () => {
  it.each([
    [undefined, ['en']],
    ['en', ['en']],
    ['fr', ['fr', 'en']],
    ['fr-CA', ['fr-CA', 'fr', 'en']],
    ['pt_BR', ['pt_BR', 'pt', 'en']],
  ])('locale %s is tried as %j', (locale, chain) => {
    expect(localeChain(locale)).toEqual(chain);
  });

  it.each([
    ['fr-CA', 'hello', 'Allo {name}'],
    ['fr-BE', 'hello', 'Bonjour {name}'],
    ['fr', 'only', 'English only'],
    ['de', 'hello', 'Hello {name}'],
    ['de', 'missing', undefined],
  ])('resolves %s/%s', (locale, key, expected) => {
    expect(resolveMessage(messages, locale, key)).toBe(expected);
  });

  it('does not resolve inherited object keys as messages', () => {
    expect(resolveMessage(messages, 'en', 'toString')).toBeUndefined();
    expect(resolveMessage(undefined, 'en', 'hello')).toBeUndefined();
  });

  it('translates with params, leaves unknown placeholders and falls back to the key', () => {
    const t = createTranslator(messages, 'fr');
    expect(t('hello', { name: 'Ada' })).toBe('Bonjour Ada');
    expect(t('hello', { other: 1 })).toBe('Bonjour {name}');
    expect(t('nope')).toBe('nope');
  });
});
