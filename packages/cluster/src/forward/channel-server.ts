import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConfigurationLookup, DriverHandle, Logger, ResourceRegistry } from '@chassis/kernel';
import { WebSocketServer } from 'ws';
import type { MemberAddress } from '../types.js';
import { CallerSignals } from './caller-signals.js';
import { refusalBody, type Session, serveSession } from './channel-session.js';
import { DeadlineWatch } from './deadline-watch.js';
import { forwardErrors } from './errors.js';
import { messageLimit } from './frames.js';
import { DEFAULT_PING_INTERVAL_MS, heartbeat } from './heartbeat.js';
import { NonceCache } from './nonce-cache.js';
import { CHANNEL_PATH, DEFAULT_MAX_BODY_BYTES, MAX_ANSWER_HEADER } from './protocol.js';
import { checkSecret } from './secret.js';
import { secretKey } from './signing.js';

/** Options of {@link startChannelServer}. */
export interface ChannelServerOptions {
  /** The member's resources: forwarded calls run through their compartments. */
  readonly resources: ResourceRegistry<DriverHandle>;
  /** The shared cluster secret (at least 32 bytes). Never logged. */
  readonly secret: string;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  readonly logger: Logger;
  readonly memberId: string;
  /**
   * The member's configurations (the runtime's resource service): forwarded calls then run with
   * the owner's bag for the version that runs (authoritative, and right after an upgrade
   * swapped the version), and forwarders may leave the bag off the wire (`omitProperties`).
   * Without it the caller's bag is used as sent.
   */
  readonly configurations?: ConfigurationLookup;
  /** Whether this member holds the resource's lease now (default: it hosts it). */
  readonly owns?: (resourceId: string) => boolean;
  /** Request and answer body cap (default 4 MiB); keep it equal on every member. */
  readonly maxBodyBytes?: number;
  /** How far a request's timestamp may lie from this member's clock (default 30 s). */
  readonly windowMs?: number;
  /** Accepted nonces remembered (default 100 000; see `NonceCache`). */
  readonly replayCacheSize?: number;
  /**
   * How often each caller's connection is pinged (default 10 s); a caller that misses a ping
   * is let go, and its running calls are aborted as caller-gone.
   */
  readonly pingIntervalMs?: number;
  /** The clock signatures are checked against (tests). */
  readonly now?: () => number;
}

/** A running channel server. */
export interface ChannelServer {
  /** Where the other members reach it. */
  readonly address: MemberAddress;
  readonly port: number;
  /**
   * Refuses new calls (retryable `CHASSIS_E_CLUSTER_NOT_OWNER`: the caller asks the owner read
   * anew), waits for the running ones to be answered, then ends every connection; resolves
   * once they all closed.
   */
  close(): Promise<void>;
}

/**
 * Starts a member's inter-server channel: a node:http server whose only use is the WebSocket
 * upgrade at `CHANNEL_PATH` (any other request gets `426` with `CHASSIS_E_CLUSTER_BAD_REQUEST`
 * naming the path). Each connection carries signed call frames (see `serveSession`): an
 * `invoke` runs one forwarded facade call through the owner's compartment of the resource,
 * `health` probes the bound version. Every call must be signed with the cluster secret
 * (`CHASSIS_E_CLUSTER_AUTH`, status 401, otherwise: missing, malformed, expired or future, bad
 * or replayed signature); a body over the cap is `CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE`. The
 * answer is the result, or the error serialised with the kernel's `serializeError`, and is
 * itself signed, bound to the call's nonce.
 *
 * Why WebSocket rather than one HTTP request per call: a forwarded call's budget is mostly its
 * round trip, and a frame on an open connection costs about half of a keep-alive HTTP/1.1
 * request and answer on loopback (no request line, headers or per-request objects on either
 * side; measured with the same body, see the package README). `ws` does the framing.
 */
export async function startChannelServer(options: ChannelServerOptions): Promise<ChannelServer> {
  checkSecret(options.secret);
  const { memberId, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const windowMs = options.windowMs ?? 30_000;
  let closing = false;
  const log = logger.child({ component: 'cluster-channel', member: memberId });
  const context = {
    memberId,
    secret: secretKey(options.secret),
    owner: {
      resources: options.resources,
      memberId,
      ...(options.configurations ? { configurations: options.configurations } : {}),
      ...(options.owns ? { owns: options.owns } : {}),
    },
    callers: new CallerSignals(new DeadlineWatch()),
    nonces: new NonceCache(options.replayCacheSize ?? 100_000, windowMs),
    windowMs,
    now: options.now ?? Date.now,
    log,
    closing: () => closing,
  };
  const sessions = new Set<Session>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: messageLimit(maxBodyBytes),
  });
  const refuse = (socket: Duplex, status: number, text: string, body: string) => {
    // After 'upgrade' the http server no longer listens for the socket's errors; a caller that
    // resets it while the refusal is written must not stop this member (nothing is lost: the
    // refusal was all there was to send).
    socket.on('error', () => undefined);
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };
  const wrongPath = (req: IncomingMessage) =>
    refusalBody(
      forwardErrors.badRequest(
        memberId,
        `${req.method} ${(req.url ?? '').slice(0, 100)}: the channel is a WebSocket at ${CHANNEL_PATH}`,
      ),
    );
  const server = createServer((req, res) => {
    const body = wrongPath(req);
    res.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket' });
    res.end(body);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url !== CHANNEL_PATH) return refuse(socket, 404, 'Not Found', wrongPath(req));
    if (closing) return refuse(socket, 503, 'Service Unavailable', '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const announced = Number(req.headers[MAX_ANSWER_HEADER]);
      const maxAnswer =
        Number.isSafeInteger(announced) && announced > 0
          ? Math.min(announced, maxBodyBytes)
          : maxBodyBytes;
      const session = serveSession(ws, context, maxBodyBytes, maxAnswer, req.socket.remoteAddress);
      heartbeat(ws, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
      sessions.add(session);
      ws.once('close', () => sessions.delete(session));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url }, 'cluster channel listening');
  return {
    address: { memberId, url },
    port,
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Calls that run are answered first; new ones are refused meanwhile (see `closing`). Each
      // ends within its owner compartment's run deadline.
      await Promise.all([...sessions].map((s) => s.idle()));
      for (const s of sessions) s.close(1001, 'the member is stopping');
      server.closeAllConnections();
      await closed;
    },
  };
}
