// The live events stream: server-sent events with a connection indicator and automatic
// reconnect, so stale data never looks live.
import { routes } from './api.js';
import { $ } from './dom.js';
import { t } from './i18n.js';

const handlers = new Map();
let source;
let status = 'offline';
let retryTimer;
let retryMs = 1000;
let wasLost = false;
let onReconnect = () => {};

/** Registers `fn(data)` for SSE events named `type` (`lifecycle`, `upgrade`, `updates`). */
export function on(type, fn) {
  if (!handlers.has(type)) handlers.set(type, new Set());
  handlers.get(type).add(fn);
}

/** Shows the connection state in the header: `connecting`, `open`, `lost` or `offline`. */
function setStatus(next) {
  status = next;
  document.body.dataset.events = next;
  const node = $('#connection');
  if (!node) return;
  node.className = `connection connection-${next}`;
  node.textContent = t(`connection.${next}`);
}

/** Re-renders the indicator in the current locale. */
export const refreshIndicator = () => setStatus(status);

function open() {
  clearTimeout(retryTimer);
  source?.close();
  setStatus(wasLost ? 'lost' : 'connecting');
  const es = new EventSource(routes.events());
  for (const type of ['lifecycle', 'upgrade', 'updates'])
    es.addEventListener(type, (e) => {
      const data = JSON.parse(e.data);
      for (const fn of handlers.get(type) ?? []) fn(data);
    });
  es.addEventListener('open', () => {
    retryMs = 1000;
    setStatus('open');
    // Events sent while the stream was down are gone: reload what they would have changed.
    if (wasLost) onReconnect();
    wasLost = false;
  });
  es.addEventListener('error', () => {
    wasLost = true;
    setStatus('lost');
    // CONNECTING: the browser retries by itself (the server asks for 3 s). CLOSED: it gave up
    // (e.g. an HTTP error while the server restarts), so retry here with a capped backoff.
    if (es.readyState === EventSource.CLOSED) {
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    }
  });
  source = es;
}

/** Opens the stream; `reconnected` runs after each reconnect that followed a loss. */
export function connectEvents(reconnected) {
  onReconnect = reconnected;
  wasLost = false;
  open();
}

/** Closes the stream (sign-out). */
export function closeEvents() {
  clearTimeout(retryTimer);
  source?.close();
  source = undefined;
  setStatus('offline');
}
