// The status line and error presentation: every error shows its code, linked to the error
// reference (docs/errors.md), and its message.
import { $, el } from './dom.js';
import { t } from './i18n.js';

const ERRORS_DOC = 'https://github.com/chassis-project/chassis/blob/main/docs/errors.md';

/**
 * The reference entry of a `CHASSIS_E_*` code. `docs/errors.md` is one generated list without
 * per-code anchors, so the link uses a text fragment, which scrolls to the code's entry.
 */
export const errorHref = (code) => `${ERRORS_DOC}#:~:text=${encodeURIComponent(String(code))}`;

/** `CODE: message` as nodes, the code a link to its reference entry. */
export function errorNodes(err) {
  if (err.code === 'NETWORK') return [t('error.network')];
  const code = String(err.code ?? 'CHASSIS_E_UNKNOWN');
  return [
    el('a', {
      href: errorHref(code),
      class: 'error-code',
      target: '_blank',
      rel: 'noopener',
      text: code,
    }),
    `: ${err.message ?? ''}`,
  ];
}

/** Shows `text` (a string or nodes) in the status line; errors in red. */
export function say(text, isError = false) {
  const m = $('#message');
  m.replaceChildren(...[text].flat());
  m.className = isError ? 'error' : '';
}

/** Shows an API error in the status line. */
export const sayError = (err) => say(errorNodes(err), true);
