// Cluster members: health, last heartbeat, leader and the resources each owns.
import { api, routes } from './api.js';
import { $, el } from './dom.js';
import { t, timeEl } from './i18n.js';
import { href } from './router.js';

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
        el('td', { text: m.alive ? t('members.alive') : t('members.down') }),
        el('td', { text: m.leader ? t('members.leader') : '' }),
        el('td', {}, timeEl(m.lastHeartbeat)),
        el(
          'td',
          {},
          ...(m.resources.length === 0
            ? ['—']
            : m.resources.flatMap((r, i) => [
                ...(i > 0 ? [', '] : []),
                el('a', { href: href.resource(r), text: r }),
              ])),
        ),
        el('td', { text: m.url || '—' }),
      ),
    ),
  );
}
