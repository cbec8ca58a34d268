// The drivers table and the update notices of the overview.
import { $, button, el } from './dom.js';
import { stateName, t } from './i18n.js';
import { href } from './router.js';
import { can } from './session.js';
import { openUpgrade } from './view-upgrade.js';

/** A state badge: the raw state in the class, its name in the current locale. */
export const badge = (s) =>
  el('span', {
    class: `badge state-${s ?? 'unknown'}`,
    dataset: { state: s ?? '' },
    text: stateName(s),
  });

function signedText(sig) {
  return sig?.signed ? t('drivers.signedBy', { vendor: sig.vendor ?? '?' }) : t('drivers.unsigned');
}

/** Renders the drivers table (`selected`: the driver whose detail is open). */
export function renderDrivers(drivers, selected) {
  const tbody = $('#drivers tbody');
  // A live reload replaces the rows: keep the keyboard focus on the same control.
  const had = document.activeElement;
  const refocus =
    had && tbody.contains(had)
      ? had.matches('a')
        ? `a[href="${CSS.escape(had.getAttribute('href') ?? '')}"]`
        : `button.upgrade[data-driver="${CSS.escape(had.dataset.driver ?? '')}"]`
      : undefined;
  $('#drivers-empty').hidden = drivers.length > 0;
  tbody.replaceChildren(
    ...drivers.map((d) =>
      el(
        'tr',
        {
          class: `clickable${d.id === selected ? ' selected' : ''}`,
          dataset: { driverId: d.id },
          'aria-current': d.id === selected ? 'true' : undefined,
          // Mouse users may click anywhere on the row; keyboard users use the name's link.
          onclick: (e) => {
            if (!e.target.closest('a, button')) location.hash = href.driver(d.id);
          },
        },
        el(
          'td',
          {},
          el(
            'a',
            { href: href.driver(d.id), class: 'driver-link' },
            el('strong', { text: d.name }),
          ),
          el('br'),
          el('small', { text: d.id }),
        ),
        el('td', { text: d.category }),
        el('td', { class: 'version', text: d.activeVersion ?? '—' }),
        el('td', { class: 'state' }, badge(d.state)),
        el('td', { text: d.tier ? t(`tier.${d.tier}`) : '' }),
        el('td', { text: signedText(d.signature) }),
        el(
          'td',
          {},
          d.update
            ? can('drivers.upgrade')
              ? button(
                  t('drivers.upgradeTo', { version: d.update.available }),
                  (e) => openUpgrade(d.id, undefined, e.currentTarget, d.update.available),
                  { class: 'upgrade', dataset: { driver: d.id } },
                )
              : el('span', { text: t('drivers.updateAvailable', { version: d.update.available }) })
            : el('span', { text: t('drivers.upToDate') }),
        ),
      ),
    ),
  );
  if (refocus) $(refocus, tbody)?.focus();
}

/** Renders the update notices, with "check now" when the role may. */
export function renderUpdates(updates) {
  const list = $('#updates');
  $('#check-updates').hidden = !can('updates.check');
  if (updates.length === 0) return list.replaceChildren(el('li', { text: t('updates.none') }));
  list.replaceChildren(
    ...updates.map((u) =>
      el(
        'li',
        {},
        `${u.id}: ${u.installed} → ${u.available} `,
        can('drivers.upgrade')
          ? button(
              t('updates.upgrade'),
              (e) => openUpgrade(u.id, undefined, e.currentTarget, u.available),
              {
                class: 'upgrade',
                dataset: { driver: u.id },
                'aria-label': t('updates.upgradeLabel', { id: u.id, version: u.available }),
              },
            )
          : undefined,
      ),
    ),
  );
}
