// Following an accepted upgrade or rollback: the server answers `202 Accepted` to
// `Prefer: respond-async` with its status, then `GET /api/upgrades/{id}` says where it is.
import { api } from './api.js';

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ended = (s) => s.state !== 'accepted' && s.state !== 'running';

/**
 * Sends `body` to `path` with `Prefer: respond-async` and follows the action until it ended
 * (bounded: `timeoutMs`, default 30 min), calling `onStatus` with every status read. Resolves
 * with the final status; a server that answered synchronously (a record) is returned as a status.
 */
export async function sendAndFollow(path, body, onStatus, timeoutMs = 30 * 60_000) {
  const first = await api('POST', path, body, { prefer: 'respond-async' });
  if (!first.href) return { state: first.result, record: first, error: first.error };
  let status = first;
  const deadline = Date.now() + timeoutMs;
  for (let wait = 250; ; wait = Math.min(2000, Math.round(wait * 1.5))) {
    onStatus(status);
    if (ended(status) || Date.now() + wait > deadline) return status;
    await delay(wait);
    status = await api('GET', status.href);
  }
}
