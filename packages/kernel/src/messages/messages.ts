/**
 * A driver's `t(key, params)`. Declared here (the dependency-free `@chassis/kernel/messages`
 * subpath, loaded by guests) and re-exported with the driver contract.
 */
export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/**
 * A CAR's message files by locale: `{ en: { 'solidfire.mvip.label': 'Management VIP' }, fr: {...} }`
 * (the content of `resources/messages/<locale>.json`).
 */
export type MessageCatalog = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The locale every driver is expected to ship; the last fallback before the key itself. */
export const FALLBACK_LOCALE = 'en';

/**
 * The locales tried for `locale`, most specific first: `fr-CA` → `fr-CA`, `fr`, `en`.
 * Exported so that the admin UI and the loader resolve messages the same way.
 */
export function localeChain(locale: string | undefined): readonly string[] {
  const chain: string[] = [];
  const add = (l: string): void => {
    if (l !== '' && !chain.includes(l)) chain.push(l);
  };
  if (locale) {
    add(locale);
    const base = locale.split(/[-_]/)[0];
    if (base) add(base);
  }
  add(FALLBACK_LOCALE);
  return chain;
}

/** The message for `key` in `locale`, then its base language, then `en`; `undefined` when none has it. */
export function resolveMessage(
  messages: MessageCatalog | undefined,
  locale: string | undefined,
  key: string,
): string | undefined {
  if (!messages) return undefined;
  for (const l of localeChain(locale)) {
    const table = Object.hasOwn(messages, l) ? messages[l] : undefined;
    if (table && Object.hasOwn(table, key)) {
      const text = table[key];
      if (typeof text === 'string') return text;
    }
  }
  return undefined;
}

/**
 * Makes the `t(key, params)` of a driver context: resolves through {@link localeChain}, falls
 * back to the key itself (a missing translation must never break an operation), and replaces
 * `{name}` placeholders with `params.name`.
 */
export function createTranslator(
  messages: MessageCatalog | undefined,
  locale: string | undefined,
): Translate {
  return (key, params) => {
    const text = resolveMessage(messages, locale, key) ?? key;
    if (!params) return text;
    return text.replace(/\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) =>
      Object.hasOwn(params, name) ? String(params[name]) : whole,
    );
  };
}
