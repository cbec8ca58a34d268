// The repository catalog: search the configured repository (id, name, vendor, category,
// description), see every version with its signer, compatibility and description, and install
// one (only offered to roles that may install).
import { api, routes } from './api.js';
import { $, button, el } from './dom.js';
import { t } from './i18n.js';
import { errorNodes } from './notify.js';
import { can } from './session.js';
import { installFromRepository } from './view-install.js';

const signer = (v) =>
  v.signed ? t('catalog.signedBy', { subject: v.signer?.subject ?? '?' }) : t('drivers.unsigned');

function versionRow(d, v) {
  return el(
    'tr',
    { dataset: { version: v.version } },
    el('td', { text: v.version }),
    el('td', {
      text: v.compatible
        ? t('catalog.yes')
        : t('catalog.incompatible', { range: v.engines.chassis }),
    }),
    el('td', { text: v.installed ? t('catalog.installedHere') : '' }),
    el('td', { class: 'signer', text: signer(v) }),
    el('td', { text: v.description ?? '' }),
    el(
      'td',
      {},
      can('drivers.install') && v.compatible && !v.installed
        ? button(t('catalog.installVersion', { version: v.version }), () => install(d, v.version), {
            class: 'install-from-catalog',
            dataset: { driver: d.id, version: v.version },
          })
        : undefined,
    ),
  );
}

function entry(d) {
  const head = `catalog-${d.id}`;
  return el(
    'li',
    { class: 'catalog-entry', dataset: { id: d.id } },
    el('h3', { id: head, text: `${d.name} (${d.id})` }),
    el('p', {
      class: 'catalog-meta',
      text: t('catalog.meta', {
        vendor: d.vendor,
        category: d.category,
        installed: d.installed.length ? d.installed.join(', ') : t('catalog.notInstalled'),
      }),
    }),
    d.description ? el('p', { class: 'description', text: d.description }) : undefined,
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { 'aria-labelledby': head },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...[
              'col.version',
              'catalog.compatible',
              'col.installed',
              'catalog.signer',
              'catalog.description',
              'col.actions',
            ].map((k) => el('th', { scope: 'col', text: t(k) })),
          ),
        ),
        el('tbody', {}, ...d.versions.map((v) => versionRow(d, v))),
      ),
    ),
  );
}

async function install(d, version) {
  await installFromRepository(d.id, version, $('#catalog-error'));
}

/** Searches the catalog with the form's text and renders the answer (or why there is none). */
export async function showCatalog() {
  const list = $('#catalog');
  const q = $('#catalog-query').value.trim();
  $('#catalog-error').replaceChildren();
  $('#catalog-empty').hidden = true;
  try {
    const drivers = await api('GET', routes.catalog(q));
    list.replaceChildren(...drivers.map(entry));
    if (drivers.length === 0) {
      $('#catalog-empty').hidden = false;
      $('#catalog-empty').textContent = q ? t('install.noMatch', { q }) : t('catalog.empty');
    }
  } catch (err) {
    list.replaceChildren();
    $('#catalog-empty').hidden = false;
    $('#catalog-empty').replaceChildren(
      ...(err.code === 'CHASSIS_E_REPO_NOT_FOUND' ? [t('install.noCatalog')] : errorNodes(err)),
    );
  }
}

/** Wires the search form once. */
export function initCatalog() {
  $('#catalog-form').addEventListener('submit', (e) => {
    e.preventDefault();
    showCatalog();
  });
}
