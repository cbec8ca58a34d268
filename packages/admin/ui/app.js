// Chassis admin UI: plain browser modules, no framework, no build step. This module signs in,
// routes between views and wires the live events; each concept has its own module.
import { api, forgetToken, routes, setToken, token } from './api.js';
import { initConfirmDialog } from './confirm.js';
import { $, $$, el } from './dom.js';
import * as events from './events.js';
import { applyStatic, LOCALES, locale, onLocaleChange, setLocale, t } from './i18n.js';
import { say, sayError } from './notify.js';
import { currentRoute, onRoute } from './router.js';
import { can, loadSession, session } from './session.js';
import { onStore, reload, scheduleReload, store } from './store.js';
import { initCatalog, showCatalog } from './view-catalog.js';
import { hideCharts, showCharts } from './view-charts.js';
import { showMembers } from './view-cluster.js';
import { showDriver } from './view-driver.js';
import { renderDrivers, renderUpdates } from './view-drivers.js';
import { showAudit, showHistory, viewError } from './view-history.js';
import { initInstall } from './view-install.js';
import {
  hideResource,
  initResourceForms,
  renderResources,
  showCreate,
  showResource,
} from './view-resources.js';
import { initRollbackDialog } from './view-rollback.js';
import { initUpgradeDialog } from './view-upgrade.js';

let openDriver;

/** Shows the sections of one view (`data-views` lists the views a section belongs to). */
function showView(view) {
  for (const s of $$('[data-views]')) s.hidden = !s.dataset.views.split(' ').includes(view);
  for (const a of $$('nav a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  $('#audit-link').hidden = !can('audit.read');
}

async function route(r = currentRoute()) {
  if (!session().principal) return;
  showView(r.view);
  if (r.view !== 'metrics') hideCharts();
  try {
    if (r.view === 'driver') {
      hideResource();
      openDriver = r.id;
      await showDriver(r.id);
    } else if (r.view === 'resource') {
      openDriver = await showResource(r.id);
      await showDriver(openDriver);
    } else {
      openDriver = undefined;
      hideResource();
      $('#detail').hidden = true;
      if (r.view === 'new-resource') await showCreate(r.id);
      if (r.view === 'catalog') await showCatalog();
      if (r.view === 'history') await showHistory().catch((e) => viewError('#history-error', e));
      if (r.view === 'audit') await showAudit().catch((e) => viewError('#audit-error', e));
      if (r.view === 'members') await showMembers().catch((e) => viewError('#members-error', e));
      if (r.view === 'metrics')
        await showCharts(store.drivers.map((d) => d.id)).catch((e) =>
          viewError('#charts-error', e),
        );
    }
    renderDrivers(store.drivers, openDriver);
  } catch (err) {
    sayError(err);
  }
}

onStore(async (s) => {
  renderDrivers(s.drivers, openDriver);
  renderResources(s.resources);
  renderUpdates(s.updates);
  if (openDriver && s.drivers.some((d) => d.id === openDriver))
    await showDriver(openDriver).catch(sayError);
});

function logEvent(kind, text) {
  const list = $('#events');
  $('#events-empty').hidden = true;
  list.prepend(
    el(
      'li',
      { dataset: { kind } },
      el('time', { text: new Date().toLocaleTimeString(locale()) }),
      ` ${text}`,
    ),
  );
  while (list.children.length > 200) list.lastChild.remove();
}

const reloadSoon = () => scheduleReload(onReloadError);
events.on('lifecycle', (ev) => {
  logEvent('lifecycle', `${ev.driver}@${ev.version}: ${ev.from} → ${ev.to}`);
  reloadSoon();
});
events.on('upgrade', (r) => {
  logEvent(
    'upgrade',
    `${t(`action.${r.action}`)} ${r.driverId} ${r.from ?? ''} → ${r.to ?? ''}: ${t(`result.${r.result}`)}`,
  );
  reloadSoon();
});
events.on('updates', (u) => {
  logEvent('updates', t('updates.count', { count: u.length }));
  reloadSoon();
});

function onReloadError(err) {
  sayError(err);
  if (err.status === 401) disconnect();
}

async function connect() {
  try {
    await loadSession();
  } catch (err) {
    sayError(err);
    if (err.status === 401) forgetToken();
    return;
  }
  $('#app').hidden = false;
  $('#logout').hidden = false;
  $('#token-form').classList.add('signed-in');
  $('#whoami').textContent = t('session.whoami', {
    principal: session().principal,
    roles: session().roles.join(', '),
  });
  say('');
  await reload().catch(onReloadError);
  await route();
  events.connectEvents(() => reload().catch(onReloadError));
}

function disconnect() {
  events.closeEvents();
  forgetToken();
  $('#app').hidden = true;
  $('#logout').hidden = true;
  $('#whoami').textContent = '';
  $('#token-form').classList.remove('signed-in');
}

function initLocaleSwitch() {
  const select = $('#locale');
  select.replaceChildren(
    ...LOCALES.map((l) =>
      el('option', { value: l.code, lang: l.code, text: l.label, selected: l.code === locale() }),
    ),
  );
  select.addEventListener('change', () => setLocale(select.value));
  onLocaleChange(() => {
    events.refreshIndicator();
    if (session().principal) {
      $('#whoami').textContent = t('session.whoami', {
        principal: session().principal,
        roles: session().roles.join(', '),
      });
      for (const fn of [() => reload(), () => route()]) fn().catch(sayError);
    }
  });
}

$('#token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = $('#token').value.trim();
  if (!value) {
    $('#token').setAttribute('aria-invalid', 'true');
    return say(t('session.pasteToken'), true);
  }
  $('#token').removeAttribute('aria-invalid');
  setToken(value);
  $('#token').value = '';
  await connect();
});
$('#logout').addEventListener('click', () => {
  disconnect();
  say(t('session.forgotten'));
});
$('#check-updates').addEventListener('click', async () => {
  say(t('updates.checking'));
  try {
    const notices = await api('POST', routes.checkUpdates());
    say(t('updates.count', { count: notices.length }));
    await reload();
  } catch (err) {
    sayError(err);
  }
});
$('#chart-driver').addEventListener('change', () =>
  showCharts(store.drivers.map((d) => d.id)).catch(sayError),
);

initLocaleSwitch();
applyStatic();
events.refreshIndicator();
initConfirmDialog();
initUpgradeDialog();
initResourceForms();
initInstall();
initCatalog();
initRollbackDialog();
onRoute((r) => route(r));
if (token()) connect();
