// Every text of the UI in English and French. Translation keys are the English phrase's
// purpose, not the phrase; `{name}` placeholders are filled by t().
import { MESSAGES_EN } from './messages-en.js';
import { MESSAGES_FR } from './messages-fr.js';

const LOCALE_KEY = 'chassis.admin.locale';
const CATALOGS = { en: MESSAGES_EN, fr: MESSAGES_FR };
/** The locales the switch offers, in their own language. */
export const LOCALES = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'Français' },
];

function initialLocale() {
  const saved = localStorage.getItem(LOCALE_KEY);
  if (saved && CATALOGS[saved]) return saved;
  const nav = (navigator.language || 'en').slice(0, 2);
  return CATALOGS[nav] ? nav : 'en';
}

let current = initialLocale();
const listeners = new Set();

/** The current locale code (`en`, `fr`). */
export const locale = () => current;

/** Switches the locale: sets `<html lang>`, retranslates static text and tells listeners. */
export function setLocale(code) {
  if (!CATALOGS[code]) return;
  current = code;
  localStorage.setItem(LOCALE_KEY, code);
  applyStatic();
  for (const l of listeners) l(code);
}

/** Calls `fn` after every locale switch. */
export const onLocaleChange = (fn) => listeners.add(fn);

/** The message `key` in the current locale (English, then the key, as fallbacks). */
export function t(key, vars = {}) {
  const text = CATALOGS[current][key] ?? MESSAGES_EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined ? '' : String(vars[k])));
}

/** Translates `[data-i18n]` text, `[data-i18n-placeholder]` and `[data-i18n-label]` attributes. */
export function applyStatic(root = document) {
  document.documentElement.lang = current;
  for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const n of root.querySelectorAll('[data-i18n-placeholder]'))
    n.setAttribute('placeholder', t(n.dataset.i18nPlaceholder));
  for (const n of root.querySelectorAll('[data-i18n-label]'))
    n.setAttribute('aria-label', t(n.dataset.i18nLabel));
  document.title = t('app.title');
}

/** A driver or resource state in words (the raw name stays in the badge's class). */
export const stateName = (s) => (s ? t(`state.${s}`) : '—');

/** A date as words in the current locale (never a raw ISO string). */
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" / "in 5 seconds" in the current locale. */
export function relativeTime(iso, now = Date.now()) {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(current, { numeric: 'auto' });
  for (const [unit, size] of UNITS)
    if (Math.abs(s) >= size || unit === 'second') return rtf.format(Math.round(s / size), unit);
  return '';
}

/** A `<time>` element: relative words, the full date as its title, ISO only in `datetime`. */
export function timeEl(iso) {
  const node = document.createElement('time');
  if (!iso) {
    node.textContent = '—';
    return node;
  }
  node.dateTime = iso;
  node.textContent = relativeTime(iso);
  node.title = formatTime(iso);
  return node;
}

/** A number in the current locale. */
export const formatNumber = (n, digits = 0) =>
  new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(n);

/**
 * A property violation in the current locale, from its rule and label (the server's sentence is
 * English only); `type` is the field's type, for a more precise sentence.
 */
export function violationText(v, type) {
  if (current === 'en') return v.message;
  const typed = `violation.${v.rule}.${type}`;
  const key = CATALOGS[current][typed] ? typed : `violation.${v.rule}`;
  if (!CATALOGS[current][key]) return v.message;
  return t(key, { label: v.label || v.key });
}
