// Install: upload a CAR, or pick a driver from the repository catalog (search, versions,
// signer, description), or name one by id and version.
import { api, routes, uploadCar } from './api.js';
import { $, button, el } from './dom.js';
import { t } from './i18n.js';
import { errorNodes, say } from './notify.js';
import { href } from './router.js';
import { reload } from './store.js';

function installed(record) {
  say(
    t('install.done', {
      id: record.driverId,
      version: record.to ?? '',
      result: t(`result.${record.result}`),
    }),
    record.result !== 'succeeded',
  );
  return reload().then(() => {
    location.hash = href.driver(record.driverId);
  });
}

async function upload(event) {
  event.preventDefault();
  const file = $('#car-file').files?.[0];
  const out = $('#upload-error');
  out.replaceChildren();
  $('#car-file').removeAttribute('aria-invalid');
  if (!file) {
    $('#car-file').setAttribute('aria-invalid', 'true');
    out.textContent = t('install.chooseFile');
    return $('#car-file').focus();
  }
  say(t('install.uploading', { name: file.name }));
  try {
    await installed(await uploadCar(file));
  } catch (err) {
    out.replaceChildren(...errorNodes(err));
  }
}

async function fromRepository(id, version) {
  const out = $('#repo-error');
  out.replaceChildren();
  say(t('install.installing', { id, version: version ?? '' }));
  try {
    await installed(
      await api('POST', routes.install(), {
        source: { kind: 'repository', id, ...(version ? { version } : {}) },
      }),
    );
  } catch (err) {
    out.replaceChildren(...errorNodes(err));
  }
}

async function search(event) {
  event.preventDefault();
  const list = $('#catalog');
  const q = $('#catalog-query').value.trim();
  try {
    const entries = await api('GET', routes.catalog(q));
    if (entries.length === 0)
      return list.replaceChildren(el('li', { text: t('install.noMatch', { q }) }));
    list.replaceChildren(
      ...entries.map((e) => {
        const versions = e.versions ?? [e.version];
        const select = el(
          'select',
          { 'aria-label': t('install.versionOf', { id: e.id }) },
          versions.map((v) => el('option', { value: v, text: v })),
        );
        return el(
          'li',
          { class: 'catalog-entry', dataset: { id: e.id } },
          el('strong', { text: e.name ?? e.id }),
          ` (${e.id}) `,
          el('span', {
            class: 'signer',
            text: e.signature?.signed
              ? t('drivers.signedBy', { vendor: e.signature.vendor ?? '?' })
              : t('drivers.unsigned'),
          }),
          e.description ? el('p', { text: e.description }) : undefined,
          select,
          ' ',
          button(t('install.install'), () => fromRepository(e.id, select.value), {
            class: 'install-from-catalog',
          }),
        );
      }),
    );
  } catch (err) {
    list.replaceChildren(
      el('li', {}, err.status === 404 ? t('install.noCatalog') : errorNodes(err)),
    );
  }
}

/** Wires the install forms once. */
export function initInstall() {
  $('#upload-form').addEventListener('submit', upload);
  $('#catalog-form').addEventListener('submit', search);
  $('#repo-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('#repo-id').value.trim();
    $('#repo-id').removeAttribute('aria-invalid');
    if (!id) {
      $('#repo-id').setAttribute('aria-invalid', 'true');
      $('#repo-error').textContent = t('form.required', { labels: t('label.repo-id') });
      return $('#repo-id').focus();
    }
    fromRepository(id, $('#repo-version').value.trim() || undefined);
  });
}
