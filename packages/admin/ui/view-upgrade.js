// Upgrade: a plan preview (from → to, the resources that move, configuration, contract and
// signer checks), a chosen rollout policy, a confirmation, then live per-resource progress from
// the events stream and the accepted upgrade's status (followed by id).
import { api, routes } from './api.js';
import { $, button, el } from './dom.js';
import * as events from './events.js';
import { sendAndFollow } from './follow.js';
import { locale, t } from './i18n.js';
import { errorNodes, say, sayError } from './notify.js';
import { reload } from './store.js';

/**
 * Gives the focus back to the button that opened the dialog, or to its twin when a live reload
 * re-rendered the table meanwhile (the old element is detached).
 */
function refocus(opener) {
  if (!opener) return;
  if (opener.isConnected) return opener.focus();
  const d = opener.dataset ?? {};
  const sel = `button.upgrade[data-driver="${CSS.escape(d.driver ?? '')}"]${d.version ? `[data-version="${CSS.escape(d.version)}"]` : ''}`;
  document.querySelector(sel)?.focus();
}

let active; // { driverId, plan, moved: Map, done }

function policyFromForm() {
  const kind = $('#upgrade-dialog input[name="policy"]:checked')?.value ?? 'one-at-a-time';
  if (kind !== 'canary') return { kind };
  return { kind, canaries: Math.max(1, Number($('#canaries').value) || 1) };
}

const check = (ok, text) =>
  el(
    'li',
    { class: ok ? 'check-ok' : 'check-fail' },
    el('span', { text: ok ? '✔ ' : '✘ ', 'aria-hidden': 'true' }),
    text,
  );

/** What the server's plan says, as a list. */
function renderPlan(plan) {
  const body = $('#upgrade-plan');
  const sig = (s) =>
    s?.signed ? `${s.vendor ?? '?'}${s.subject ? ` (${s.subject})` : ''}` : t('drivers.unsigned');
  body.replaceChildren(
    el('p', {
      class: 'plan-versions',
      text: t('upgrade.fromTo', { from: plan.from, to: plan.to }),
    }),
    el('h3', { text: t('upgrade.resourcesMoving', { count: plan.resources.length }) }),
    plan.resources.length
      ? el(
          'ul',
          { class: 'plan-resources' },
          plan.resources.map((r) =>
            el(
              'li',
              { dataset: { resource: r.id } },
              // Unchecked resources stay where they are (a partial upgrade: mixed versions).
              el('input', {
                type: 'checkbox',
                id: `move-${r.id}`,
                class: 'move',
                value: r.id,
                checked: true,
                disabled: plan.estimated === true,
              }),
              ' ',
              el('label', { for: `move-${r.id}`, text: `${r.id}: ${r.from} → ${r.to}` }),
              ' ',
              el('span', { class: 'progress', text: '' }),
            ),
          ),
        )
      : el('p', { text: t('upgrade.noResources') }),
    plan.resources.length && !plan.estimated
      ? el('p', { class: 'help', text: t('upgrade.subsetHelp', { from: plan.from }) })
      : undefined,
    el('h3', { text: t('upgrade.checks') }),
    el(
      'ul',
      { class: 'plan-checks' },
      plan.configuration
        ? check(
            plan.configuration.ok,
            plan.configuration.ok
              ? t('upgrade.configOk')
              : t('upgrade.configBad', {
                  ids: plan.configuration.invalid.map((i) => i.resource).join(', '),
                }),
          )
        : undefined,
      plan.contract
        ? check(
            plan.contract.ok,
            plan.contract.ok
              ? t('upgrade.contractOk')
              : [t('upgrade.contractBad'), ' ', ...errorNodes(plan.contract.error ?? {})],
          )
        : undefined,
      plan.signer
        ? check(
            !plan.signer.changed,
            plan.signer.changed
              ? t('upgrade.signerChanged', { from: sig(plan.signer.from), to: sig(plan.signer.to) })
              : t('upgrade.signerSame', { signer: sig(plan.signer.to) }),
          )
        : undefined,
    ),
    plan.estimated ? el('p', { class: 'note', text: t('upgrade.estimated') }) : undefined,
  );
  $('#upgrade-confirm').disabled = plan.ok === false;
}

/**
 * A plan estimated from the driver detail when the server cannot plan (a repository update not
 * installed yet: the upgrade installs it first).
 */
async function localPlan(driverId, shown) {
  const d = await api('GET', routes.driver(driverId, locale()));
  const from = d.activeVersion ?? '—';
  return {
    driverId,
    from,
    to: shown ?? t('upgrade.newest'),
    resources: d.resources.map((r) => ({
      id: r.resource.id,
      from: r.binding.version,
      to: shown ?? '?',
    })),
    estimated: true,
  };
}

async function loadPlan() {
  const { driverId, version } = active;
  const body = { ...(version ? { version } : {}), policy: policyFromForm() };
  try {
    active.plan = await api('POST', routes.plan(driverId), body);
  } catch (err) {
    if (err.code !== 'CHASSIS_E_UPGRADE_NOT_INSTALLED') throw err;
    active.plan = await localPlan(driverId, active.shown);
  }
  renderPlan(active.plan);
}

/**
 * Opens the plan dialog for upgrading `driverId` to `version` (absent: the newest the server
 * knows, e.g. a repository update shown as `shown`).
 */
export async function openUpgrade(
  driverId,
  version,
  opener = document.activeElement,
  shown = version,
) {
  const dialog = $('#upgrade-dialog');
  active = { driverId, version, shown, moved: new Map(), opener };
  $('#upgrade-title').textContent = t('upgrade.title', { id: driverId, version: shown ?? '' });
  $('#upgrade-plan').replaceChildren(el('p', { text: t('upgrade.planning') }));
  $('#upgrade-error').replaceChildren();
  $('#upgrade-result').textContent = '';
  $('#upgrade-confirm').hidden = false;
  $('#upgrade-confirm').disabled = true;
  $('#policy-one').checked = true;
  dialog.showModal();
  try {
    await loadPlan();
    $('#upgrade-confirm').focus();
  } catch (err) {
    $('#upgrade-error').replaceChildren(...errorNodes(err));
  }
}

function closeDialog() {
  const dialog = $('#upgrade-dialog');
  if (dialog.open) dialog.close();
  refocus(active?.opener);
  active = undefined;
}

/** Marks one resource of the open plan (`moving`, `moved`). */
function mark(id, status, pausedMs) {
  const li = $(`#upgrade-plan li[data-resource="${CSS.escape(id)}"]`);
  if (!li) return;
  li.dataset.status = status;
  $('.progress', li).textContent =
    status === 'moved'
      ? t('upgrade.moved', { ms: pausedMs === undefined ? '?' : Math.round(pausedMs) })
      : t(`upgrade.${status}`);
}

events.on('upgrade', (r) => {
  if (!active || r.driverId !== active.driverId) return;
  for (const m of r.resources ?? []) mark(m.id, 'moved', m.pausedMs);
});
events.on('lifecycle', (e) => {
  if (!active?.applying || e.driver !== active.driverId) return;
  // Resources wait until the new version runs; the old one suspends while they move.
  if (e.to === 'Suspended')
    for (const li of document.querySelectorAll('#upgrade-plan li[data-resource]'))
      if (li.dataset.status === 'waiting') mark(li.dataset.resource, 'moving');
});

async function apply() {
  const { driverId, version } = active;
  active.applying = true;
  $('#upgrade-confirm').disabled = true;
  for (const li of document.querySelectorAll('#upgrade-plan li[data-resource]'))
    if ($('input.move', li)?.checked !== false) mark(li.dataset.resource, 'waiting');
  say(t('upgrade.running', { id: driverId }));
  try {
    const boxes = [...document.querySelectorAll('#upgrade-plan input.move')];
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    for (const b of boxes) b.disabled = true;
    // Accepted at once and followed by id: a long rollout holds no request open.
    const status = await sendAndFollow(
      routes.upgrade(driverId),
      {
        ...(version ? { version } : {}),
        policy: policyFromForm(),
        // Only a strict subset is sent: the whole driver also moves its active version.
        ...(chosen.length < boxes.length ? { resources: chosen } : {}),
      },
      (s) => {
        if (s.progress)
          $('#upgrade-result').textContent = t('upgrade.progress', {
            state: t(`result.${s.state}`),
            moved: s.progress.moved,
            total: s.progress.total,
          });
      },
    );
    const record = status.record ?? {};
    for (const m of record.resources ?? []) mark(m.id, 'moved', m.pausedMs);
    if (status.error) throw Object.assign(new Error(status.error.message), status.error);
    const text = t('upgrade.done', {
      id: driverId,
      from: record.from ?? '',
      to: record.to ?? '',
      result: t(`result.${status.state}`),
    });
    $('#upgrade-result').textContent = text;
    say(text, status.state !== 'succeeded');
    $('#upgrade-confirm').hidden = true;
  } catch (err) {
    $('#upgrade-error').replaceChildren(...errorNodes(err));
    sayError(err);
  } finally {
    if (active) active.applying = false;
    await reload().catch(sayError);
  }
}

/** Wires the dialog's controls once. */
export function initUpgradeDialog() {
  $('#upgrade-confirm').addEventListener('click', apply);
  $('#upgrade-cancel').addEventListener('click', closeDialog);
  $('#upgrade-dialog').addEventListener('close', () => {
    refocus(active?.opener);
    active = undefined;
  });
  // A new policy changes the plan's steps: ask again.
  for (const input of document.querySelectorAll('#upgrade-dialog input[name="policy"], #canaries'))
    input.addEventListener(
      'change',
      () =>
        active &&
        !active.applying &&
        loadPlan().catch((err) => $('#upgrade-error').replaceChildren(...errorNodes(err))),
    );
}

/** A button that opens the dialog for `driverId` → `version`. */
export const upgradeButton = (driverId, version, attrs = {}) =>
  button(
    t('drivers.upgradeTo', { version }),
    (e) => openUpgrade(driverId, version, e.currentTarget),
    { class: 'upgrade', ...attrs },
  );
