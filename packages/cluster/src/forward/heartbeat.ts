import type { WebSocket } from 'ws';

/** Default interval of {@link heartbeat}: a silent peer is let go within two of them. */
export const DEFAULT_PING_INTERVAL_MS = 10_000;

/**
 * Pings `ws` every `intervalMs` and ends it when the previous ping went unanswered: a peer
 * that vanished without closing (a machine gone, a partition) would otherwise hold its calls
 * until their deadlines and take new ones that can never be answered. Ending it fails those
 * calls (as ambiguous on the caller, as caller-gone on the owner) and lets the next call open
 * a fresh connection. Both ends of a channel connection run one; the timer is unref'd.
 */
export function heartbeat(ws: WebSocket, intervalMs: number): void {
  let answered = true;
  ws.on('pong', () => {
    answered = true;
  });
  const timer = setInterval(() => {
    if (!answered) {
      ws.terminate();
      return;
    }
    answered = false;
    ws.ping();
  }, intervalMs);
  timer.unref();
  ws.once('close', () => clearInterval(timer));
}
