// A confirmation dialog for actions that cannot be undone (a native <dialog>: focus stays
// inside, Escape cancels, focus returns to the button that opened it).
import { $ } from './dom.js';
import { t } from './i18n.js';

/** Asks `question`; resolves true when the operator confirms with `action`. */
export function confirmAction(question, action, options = {}) {
  const dialog = $('#confirm-dialog');
  const opener = document.activeElement;
  $('#confirm-text').textContent = question;
  $('#confirm-ok').textContent = action;
  $('#confirm-force-row').hidden = !options.force;
  $('#confirm-force').checked = false;
  $('#confirm-force-label').textContent = options.force ?? '';
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        opener?.focus?.();
        const ok = dialog.returnValue === 'ok';
        resolve(options.force ? ok && { force: $('#confirm-force').checked } : ok);
      },
      { once: true },
    );
  });
}

/** Wires the dialog's buttons once. */
export function initConfirmDialog() {
  $('#confirm-ok').addEventListener('click', () => $('#confirm-dialog').close('ok'));
  $('#confirm-cancel').addEventListener('click', () => $('#confirm-dialog').close('cancel'));
  $('#confirm-cancel').textContent = t('action.cancel');
}
