// Restarts and start-up recovery, where the API has them: a version's automatic restarts
// (`versions[].restarts`: attempts, next retry, given up) and the actions a crash interrupted,
// closed at the next start (`UpgradeRecord.recovery`).
import { api, routes } from './api.js';
import { el } from './dom.js';
import { t, timeEl } from './i18n.js';
import { errorNodes } from './notify.js';

/**
 * The restart facts of a version as `<dt>`/`<dd>` pairs: attempts (of the limit), the next
 * retry or why there is none. `fallbackAttempts` counts Failed transitions for an older server
 * that reports no `restarts`.
 */
export function restartFacts(v, fallbackAttempts) {
  const r = v.restarts;
  const attempts = r
    ? t('restarts.of', { n: r.attempts, max: r.maxAttempts })
    : String(fallbackAttempts);
  const next = r?.nextRetryAt
    ? timeEl(r.nextRetryAt)
    : r?.gaveUp
      ? t('restarts.gaveUp', { n: r.attempts })
      : t('driver.noRetry');
  return [
    el('dt', { text: t('driver.attempts') }),
    el('dd', { class: 'attempts', text: attempts }),
    el('dt', { text: t('driver.nextRetry') }),
    el('dd', { class: 'next-retry' }, next),
    ...(r?.lastFaultAt
      ? [el('dt', { text: t('restarts.lastFault') }), el('dd', {}, timeEl(r.lastFaultAt))]
      : []),
  ];
}

/** A one-line note for a running version that was restarted after faults (nothing if none). */
export function restartNote(v) {
  const r = v.restarts;
  if (!r || v.state === 'Failed' || r.attempts === 0) return undefined;
  return el(
    'p',
    { class: 'restart-note', dataset: { version: v.version } },
    t('restarts.note', { version: v.version, n: r.attempts, max: r.maxAttempts }),
    r.lastError ? el('span', { class: 'cause' }, ' (', ...errorNodes(r.lastError), ')') : undefined,
  );
}

/** What start-up recovery did with an interrupted record, as one sentence. */
export function recoveryText(r) {
  const rec = r.recovery;
  if (!rec) return '';
  const moved = rec.resources.map((m) => `${m.id} → ${m.version}`).join(', ');
  return t(`recovery.${rec.outcome}`, {
    resources: moved || t('recovery.noMove'),
    active: rec.active ?? '—',
  });
}

/** The driver's actions that a crash interrupted and recovery closed, newest first. */
export async function recoveryItems(driverId) {
  const records = await api('GET', `${routes.upgrades()}?driverId=${encodeURIComponent(driverId)}`);
  return records
    .filter((r) => r.recovery)
    .reverse()
    .slice(0, 5)
    .map((r) =>
      el(
        'li',
        { dataset: { id: r.id } },
        timeEl(r.recovery.at),
        ` ${t(`action.${r.action}`)} ${r.from ?? '—'} → ${r.to ?? '—'}: `,
        el('span', { class: 'recovery' }, recoveryText(r)),
      ),
    );
}
