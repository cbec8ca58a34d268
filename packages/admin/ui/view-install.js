// Install: upload a CAR, or name a repository driver by id and version (the catalog view,
// view-catalog.js, searches the repository and installs through the same call).
import { api, routes, uploadCar } from './api.js';
import { $ } from './dom.js';
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

/** Installs `id@version` from the server's repository; errors go to `out`. */
export async function installFromRepository(id, version, out = $('#repo-error')) {
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

/** Wires the install forms once. */
export function initInstall() {
  $('#upload-form').addEventListener('submit', upload);
  $('#repo-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('#repo-id').value.trim();
    $('#repo-id').removeAttribute('aria-invalid');
    if (!id) {
      $('#repo-id').setAttribute('aria-invalid', 'true');
      $('#repo-error').textContent = t('form.required', { labels: t('label.repo-id') });
      return $('#repo-id').focus();
    }
    installFromRepository(id, $('#repo-version').value.trim() || undefined);
  });
}
