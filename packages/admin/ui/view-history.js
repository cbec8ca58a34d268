// Upgrade history and the audit trail.
import { api, routes } from './api.js';
import { $, el } from './dom.js';
import { t, timeEl } from './i18n.js';
import { errorNodes } from './notify.js';
import { href } from './router.js';
import { recoveryText } from './view-recovery.js';

const policyText = (p) =>
  p ? (p.kind === 'canary' ? t('policy.canaryN', { n: p.canaries }) : t(`policy.${p.kind}`)) : '—';

/** Loads and renders the upgrade history (newest first). */
export async function showHistory() {
  const records = await api('GET', routes.upgrades());
  $('#history-empty').hidden = records.length > 0;
  $('#history tbody').replaceChildren(
    ...[...records].reverse().map((r) =>
      el(
        'tr',
        { dataset: { id: r.id, result: r.result } },
        el('td', {}, timeEl(r.startedAt)),
        el('td', { text: t(`action.${r.action}`) }),
        el('td', {}, el('a', { href: href.driver(r.driverId), text: r.driverId })),
        el('td', { text: `${r.from ?? '—'} → ${r.to ?? '—'}` }),
        el('td', { text: policyText(r.policy) }),
        el('td', {
          text: r.resources
            .map((m) => `${m.id} (${m.pausedMs === undefined ? '?' : Math.round(m.pausedMs)} ms)`)
            .join(', '),
        }),
        el('td', { text: r.principal }),
        el(
          'td',
          {},
          t(`result.${r.result}`),
          r.error ? el('div', { class: 'cause' }, ...errorNodes(r.error)) : undefined,
          r.recovery ? el('div', { class: 'recovery' }, recoveryText(r)) : undefined,
        ),
      ),
    ),
  );
}

/** Loads and renders the audit trail (newest first). */
export async function showAudit() {
  const entries = await api('GET', routes.audit());
  $('#audit-empty').hidden = entries.length > 0;
  $('#audit tbody').replaceChildren(
    ...[...entries]
      .reverse()
      .slice(0, 200)
      .map((a) =>
        el(
          'tr',
          { class: a.allowed ? '' : 'denied' },
          el('td', {}, timeEl(a.at)),
          el('td', { text: `${a.principal} (${a.roles.join(', ')})` }),
          el('td', { text: a.action }),
          el('td', { text: a.target.id ? `${a.target.kind} ${a.target.id}` : a.target.kind }),
          el('td', { text: a.allowed ? t('audit.allowed') : t('audit.denied') }),
        ),
      ),
  );
}

/** Shows an error in a view's own status slot. */
export const viewError = (slot, err) => $(slot).replaceChildren(...errorNodes(err));
