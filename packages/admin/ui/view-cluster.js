// Cluster members: health, last heartbeat, leader, the resources each owns (and those it owns
// only as a fallback) and the driver states each published; one driver on every member.
import { api, routes } from './api.js';
import { $, el } from './dom.js';
import { stateName, t, timeEl } from './i18n.js';
import { href } from './router.js';
import { badge } from './view-drivers.js';

const health = (m) => (m.alive ? t('members.alive') : t('members.stale'));

const resourceLinks = (ids) =>
  ids.length === 0
    ? ['—']
    : ids.flatMap((r, i) => [
        ...(i > 0 ? [', '] : []),
        el('a', { href: href.resource(r), text: r }),
      ]);

/** A member's drivers in one cell: how many versions are in each state. */
function driverCounts(drivers) {
  const counts = new Map();
  for (const d of drivers) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
  if (counts.size === 0) return '—';
  return [...counts].map(([s, n]) => `${n} ${stateName(s)}`).join(', ');
}

/** Notes under a table: stale members (`withStale`) and resources owned only as a fallback. */
function notes(members, withStale) {
  return [
    ...members
      .filter((m) => withStale && !m.alive)
      .map((m) =>
        el(
          'p',
          { class: 'note', dataset: { stale: m.memberId } },
          t('members.staleNote', { id: m.memberId }),
          ' ',
          timeEl(m.lastHeartbeat),
        ),
      ),
    ...members
      .filter((m) => m.fallback.length > 0)
      .map((m) =>
        el(
          'p',
          { class: 'note', dataset: { fallback: m.memberId } },
          t('members.fallbackNote', { id: m.memberId }),
          ' ',
          ...resourceLinks(m.fallback),
        ),
      ),
  ];
}

/** Loads and renders the members of the cluster (a standalone server says so). */
export async function showMembers() {
  const o = await api('GET', routes.clusterMembers());
  const standalone = o.mode === 'standalone';
  $('#members-standalone').hidden = !standalone;
  $('#members-wrap').hidden = standalone;
  $('#members tbody').replaceChildren(
    ...o.members.map((m) =>
      el(
        'tr',
        { dataset: { member: m.memberId, alive: String(m.alive) } },
        el('th', {
          scope: 'row',
          text: m.self ? `${m.memberId} (${t('members.self')})` : m.memberId,
        }),
        el('td', { class: m.alive ? '' : 'stale', text: health(m) }),
        el('td', { text: m.leader ? t('members.leader') : '' }),
        el('td', {}, timeEl(m.lastHeartbeat)),
        el('td', {}, ...resourceLinks(m.resources)),
        el(
          'td',
          {
            class: 'drivers',
            title: m.drivers.map((d) => `${d.id} ${d.version}: ${d.state}`).join('\n'),
          },
          driverCounts(m.drivers),
        ),
        el('td', { text: m.url || '—' }),
      ),
    ),
  );
  $('#members-notes').replaceChildren(...notes(o.members, true));
}

/**
 * The driver detail's "On each member" block (cluster mode only): one row per member and
 * version with its state, tier and failure, whether it may own the driver's resources, and
 * which it owns. Hidden on a standalone server.
 */
export async function showDriverMembers(driverId) {
  const o = await api('GET', routes.driverMembers(driverId));
  const block = $('#driver-members-block');
  block.hidden = o.mode === 'standalone';
  if (block.hidden) return;
  $('#driver-members tbody').replaceChildren(
    ...o.members.flatMap((m) => {
      const versions = m.versions.length > 0 ? m.versions : [undefined];
      return versions.map((v) =>
        el(
          'tr',
          { dataset: { member: m.memberId, alive: String(m.alive), version: v?.version ?? '' } },
          el('th', {
            scope: 'row',
            text: m.self ? `${m.memberId} (${t('members.self')})` : m.memberId,
          }),
          el('td', { class: m.alive ? '' : 'stale', text: health(m) }),
          el('td', { text: v ? `${v.version}${v.active ? ` (${t('driver.active')})` : ''}` : '—' }),
          el('td', {}, v ? badge(v.state) : t('members.notLoaded')),
          el('td', { text: v?.tier ?? '—' }),
          el('td', { text: v?.failure ? `${v.failure.code}: ${v.failure.message}` : '' }),
          el('td', { text: m.eligible ? t('members.mayOwn') : t('members.mayNotOwn') }),
          el('td', {}, ...resourceLinks(m.resources)),
        ),
      );
    }),
  );
  $('#driver-members-notes').replaceChildren(...notes(o.members, false));
}
