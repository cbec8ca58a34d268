/** Messages of one CAR: locale → key → text (from `resources/messages/<locale>.json`). */
export type MessageCatalog = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Builds `t(key, params)` for one locale: the locale's text, else `en`'s, else the key itself,
 * with `{name}` placeholders replaced by `params.name` (unknown placeholders stay as written so a
 * missing parameter is visible rather than silently empty).
 */
export function createTranslate(
  messages: MessageCatalog,
  locale = 'en',
): (key: string, params?: Readonly<Record<string, string | number>>) => string {
  const primary = messages[locale];
  const fallback = messages.en;
  return (key, params) => {
    const text = primary?.[key] ?? fallback?.[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(params, name) ? String(params[name]) : whole,
    );
  };
}
