// Roll back to a chosen kept version: a dialog with a version picker listing every kept
// version but the active one (the clicked one preselected), then `POST /rollback {to}`.
import { api, routes } from './api.js';
import { $, compareVersions, el } from './dom.js';
import { t } from './i18n.js';
import { errorNodes, say } from './notify.js';
import { reload } from './store.js';

let current;

/** Opens the roll-back dialog for driver `d`, with `version` preselected. */
export function openRollback(d, version) {
  const dialog = $('#rollback-dialog');
  current = { d, opener: document.activeElement };
  const kept = d.versions
    .filter((v) => !v.active)
    .map((v) => v.version)
    .sort(compareVersions)
    .reverse();
  $('#rollback-title').textContent = t('rollback.title', { id: d.id });
  $('#rollback-version').replaceChildren(
    ...kept.map((v) => el('option', { value: v, text: v, selected: v === version })),
  );
  $('#rollback-error').replaceChildren();
  $('#rollback-version').removeAttribute('aria-invalid');
  dialog.showModal();
  $('#rollback-version').focus();
}

async function confirm() {
  const { d } = current;
  const to = $('#rollback-version').value;
  const out = $('#rollback-error');
  out.replaceChildren();
  say(t('action.working', { action: t('driver.rollbackOf', { id: d.id, version: to }) }));
  try {
    const record = await api('POST', routes.rollback(d.id), { to });
    say(
      t('rollback.done', {
        id: d.id,
        version: record.to ?? to,
        result: t(`result.${record.result}`),
      }),
    );
    $('#rollback-dialog').close();
  } catch (err) {
    // A version that is no longer kept (uninstalled meanwhile): the server names the kept ones.
    $('#rollback-version').setAttribute('aria-invalid', 'true');
    out.replaceChildren(...errorNodes(err));
  } finally {
    await reload().catch(() => {});
  }
}

/** Wires the dialog's buttons once. */
export function initRollbackDialog() {
  const dialog = $('#rollback-dialog');
  $('#rollback-confirm').addEventListener('click', confirm);
  $('#rollback-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => current?.opener?.focus?.());
}
