// One driver: its versions (upgrade, roll back, uninstall), its failure (cause, attempts, next
// retry, last transitions, Restart), its resources, and uninstalling the whole driver.
import { api, routes } from './api.js';
import { confirmAction } from './confirm.js';
import { $, button, compareVersions, el } from './dom.js';
import { locale, stateName, t, timeEl } from './i18n.js';
import { errorNodes, say, sayError } from './notify.js';
import { href } from './router.js';
import { can } from './session.js';
import { reload } from './store.js';
import { showDriverMembers } from './view-cluster.js';
import { badge } from './view-drivers.js';
import { recoveryItems, restartFacts, restartNote } from './view-recovery.js';
import { openRollback } from './view-rollback.js';
import { upgradeButton } from './view-upgrade.js';

async function run(label, fn) {
  say(t('action.working', { action: label }));
  try {
    const out = await fn();
    say(t('action.done', { action: label }));
    return out;
  } catch (err) {
    sayError(err);
  } finally {
    await reload().catch(sayError);
  }
}

const restart = (d, version) =>
  run(t('driver.restartOf', { id: d.id, version }), () =>
    api('POST', routes.restart(d.id), { version }),
  );

async function uninstall(d, version) {
  const answer = await confirmAction(
    version
      ? t('driver.confirmUninstallVersion', { id: d.id, version })
      : t('driver.confirmUninstall', { id: d.id }),
    t('driver.uninstall'),
    { force: t('driver.force') },
  );
  if (!answer) return;
  const path =
    routes.uninstall(d.id, version) + (answer.force ? `${version ? '&' : '?'}force=true` : '');
  const done = await run(t('driver.uninstallOf', { id: d.id, version: version ?? '' }), () =>
    api('DELETE', path),
  );
  if (done && !version) location.hash = href.overview();
}

/** The failure panel of a Failed version: cause, attempts, next retry, transitions, Restart. */
function failurePanel(d, v, history) {
  const mine = history.filter((e) => e.version === v.version);
  const attempts = mine.filter((e) => e.to === 'Failed').length;
  const f = v.failure ?? mine.findLast?.((e) => e.to === 'Failed')?.cause ?? {};
  return el(
    'div',
    { class: 'failure', role: 'group', 'aria-labelledby': `failure-${v.version}` },
    el('h4', { id: `failure-${v.version}`, text: t('driver.failedTitle', { version: v.version }) }),
    el(
      'p',
      { class: 'failure-cause' },
      ...errorNodes({
        code: f.code ?? 'CHASSIS_E_UNKNOWN',
        message: f.message ?? t('driver.noCause'),
      }),
    ),
    el('dl', {}, ...restartFacts(v, attempts)),
    can('drivers.restart')
      ? button(t('driver.restart'), () => restart(d, v.version), {
          class: 'restart',
          dataset: { version: v.version },
        })
      : undefined,
  );
}

function versionActions(d, v, active) {
  const out = [];
  if (!active || v.active) return out;
  if (compareVersions(v.version, active.version) > 0 && can('drivers.upgrade'))
    out.push(upgradeButton(d.id, v.version, { dataset: { driver: d.id, version: v.version } }));
  // Any older kept version: the dialog's picker preselects it and lists every kept one.
  if (compareVersions(v.version, active.version) < 0 && can('drivers.rollback'))
    out.push(
      button(t('driver.rollbackTo', { version: v.version }), () => openRollback(d, v.version), {
        class: 'rollback',
        dataset: { version: v.version },
      }),
    );
  if (v.resources.length === 0 && can('drivers.uninstall'))
    out.push(
      button(t('driver.uninstallVersion', { version: v.version }), () => uninstall(d, v.version), {
        class: 'uninstall-version',
        dataset: { version: v.version },
      }),
    );
  return out;
}

/** Loads and renders the detail of driver `id`. */
export async function showDriver(id) {
  const [d, history] = await Promise.all([
    api('GET', routes.driver(id, locale())),
    api('GET', routes.lifecycle(id)).catch(() => []),
  ]);
  const section = $('#detail');
  section.hidden = false;
  $('#detail-title').textContent = `${d.name} (${d.id})`;
  const provides = d.provides.map((p) => `${p.point} ${p.version}`).join(', ');
  $('#detail-meta').textContent = t('driver.meta', {
    vendor: d.vendor,
    category: d.category,
    tier: d.tier ? t(`tier.${d.tier}`) : '?',
    provides: provides || t('driver.nothing'),
  });
  const active = d.versions.find((v) => v.active);
  $('#failures').replaceChildren(
    ...d.versions.filter((v) => v.state === 'Failed').map((v) => failurePanel(d, v, history)),
  );
  $('#versions tbody').replaceChildren(
    ...d.versions.map((v) =>
      el(
        'tr',
        { dataset: { version: v.version } },
        el('td', { text: v.version }),
        el('td', {}, badge(v.state)),
        el('td', { text: v.active ? t('driver.active') : '' }),
        el('td', { text: v.resources.join(', ') }),
        el('td', {}, timeEl(v.installedAt)),
        el('td', { class: 'actions' }, ...versionActions(d, v, active)),
      ),
    ),
  );
  $('#restart-notes').replaceChildren(...d.versions.map(restartNote).filter(Boolean));
  const recovered = await recoveryItems(d.id).catch(() => []);
  $('#recoveries-block').hidden = recovered.length === 0;
  $('#recoveries').replaceChildren(...recovered);
  $('#transitions').replaceChildren(
    ...history
      .slice(-8)
      .reverse()
      .map((e) =>
        el(
          'li',
          {},
          timeEl(e.at),
          ` ${e.version}: ${stateName(e.from)} → ${stateName(e.to)}`,
          e.cause ? el('span', { class: 'cause' }, ' (', ...errorNodes(e.cause), ')') : undefined,
        ),
      ),
  );
  $('#driver-resources-empty').hidden = d.resources.length > 0;
  $('#driver-resources tbody').replaceChildren(
    ...d.resources.map((r) =>
      el(
        'tr',
        { dataset: { resourceId: r.resource.id } },
        el('td', {}, el('a', { href: href.resource(r.resource.id), text: r.resource.id })),
        el('td', { text: r.resource.kind }),
        el('td', { text: r.binding.version }),
        el('td', { text: stateName(r.state) }),
        el(
          'td',
          {},
          button(
            can('resources.configure') ? t('resource.configure') : t('resource.show'),
            () => {
              location.hash = href.resource(r.resource.id);
            },
            { class: 'configure', dataset: { resource: r.resource.id } },
          ),
        ),
      ),
    ),
  );
  $('#uninstall-driver').hidden = !can('drivers.uninstall');
  $('#uninstall-driver').onclick = () => uninstall(d);
  $('#new-resource-here').hidden = !can('resources.create');
  $('#new-resource-here').onclick = () => {
    location.hash = href.newResource(d.id);
  };
  // Cluster mode: the driver on every member (hidden on a standalone server).
  await showDriverMembers(d.id).catch(sayError);
  return d;
}
