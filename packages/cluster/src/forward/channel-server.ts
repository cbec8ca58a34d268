import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChassisError,
  type ConfigurationLookup,
  type DriverHandle,
  errorCodeSpec,
  type Logger,
  type ResourceRegistry,
  serializeError,
} from '@chassis/kernel';
import type { MemberAddress } from '../types.js';
import { type CallerCall, CallerSignals } from './caller-signals.js';
import { DeadlineWatch } from './deadline-watch.js';
import { forwardErrors } from './errors.js';
import { NonceCache } from './nonce-cache.js';
import { runForwardedHealth, runForwardedInvoke } from './owner-call.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  type ForwardedHealth,
  type ForwardedInvoke,
  HEALTH_PATH,
  healthProblem,
  INVOKE_PATH,
  invokeProblem,
} from './protocol.js';
import { checkSecret } from './secret.js';
import { SIGNATURE_HEADERS, secretKey, signAnswer, verifyRequest } from './signing.js';

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
  /** The clock signatures are checked against (tests). */
  readonly now?: () => number;
}

/** A running channel server. */
export interface ChannelServer {
  /** Where the other members reach it. */
  readonly address: MemberAddress;
  readonly port: number;
  /** Stops accepting, ends idle keep-alive sockets; resolves once every connection closed. */
  close(): Promise<void>;
}

/**
 * Starts a member's inter-server channel on node:http: `POST /chassis/cluster/v1/invoke` runs
 * one forwarded facade call through the owner's compartment of the resource (see
 * `runForwardedInvoke`), `POST /chassis/cluster/v1/health` probes the bound version. Every
 * request must be signed with the cluster secret (`CHASSIS_E_CLUSTER_AUTH`, 401, otherwise:
 * missing, malformed, expired or future, bad or replayed signature); a body over the cap is
 * `CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE`. The answer is the result, or the error serialised
 * with the kernel's `serializeError`, and is itself signed, bound to the request's nonce.
 */
export async function startChannelServer(options: ChannelServerOptions): Promise<ChannelServer> {
  checkSecret(options.secret);
  const { memberId, logger } = options;
  const secret = secretKey(options.secret);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const windowMs = options.windowMs ?? 30_000;
  const now = options.now ?? Date.now;
  const callers = new CallerSignals(new DeadlineWatch());
  const nonces = new NonceCache(options.replayCacheSize ?? 100_000, windowMs);
  const owner = {
    resources: options.resources,
    memberId,
    ...(options.configurations ? { configurations: options.configurations } : {}),
    ...(options.owns ? { owns: options.owns } : {}),
  };
  const log = logger.child({ component: 'cluster-channel', member: memberId });

  const answer = (
    res: ServerResponse,
    nonce: string,
    value: { ok: true; result: unknown } | { ok: false; error: unknown },
  ) => {
    let status = 200;
    let text: string;
    try {
      if (value.ok) text = JSON.stringify(value);
      else {
        const error = serializeError(value.error);
        status = errorCodeSpec(error.code).status;
        text = JSON.stringify({ ok: false, error });
      }
    } catch (err) {
      const e = new ChassisError(
        'CHASSIS_E_CLUSTER_FORWARD_FAILED',
        `member ${memberId}: the answer is not JSON-serialisable (${(err as Error).message}); the call ran`,
        { details: { owner: memberId, ambiguous: true } },
      );
      status = 502;
      text = JSON.stringify({ ok: false, error: serializeError(e) });
    }
    let body = Buffer.from(text);
    if (body.length > maxBodyBytes) {
      const e = forwardErrors.tooLarge('answer', maxBodyBytes, memberId);
      status = e.status;
      body = Buffer.from(JSON.stringify({ ok: false, error: serializeError(e) }));
    }
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': body.length,
      [SIGNATURE_HEADERS.signature]: signAnswer(secret, status, nonce, body),
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const path = req.url ?? '/';
    const checked = verifyRequest({
      secret,
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: raw,
      now: now(),
      windowMs,
      seen: (n, ts) => nonces.seen(n, ts),
    });
    const nonce = String(req.headers[SIGNATURE_HEADERS.nonce] ?? '');
    if (!checked.ok) {
      const from = req.headers[SIGNATURE_HEADERS.member];
      const err = forwardErrors.auth(
        checked.reason,
        memberId,
        typeof from === 'string' ? from.slice(0, 200) : undefined,
      );
      log.warn({ reason: checked.reason, remote: req.socket.remoteAddress }, err.message);
      answer(res, nonce, { ok: false, error: err });
      return;
    }
    nonces.record(checked.nonce, checked.timestamp, now());
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // Not JSON: refused as malformed below (the parse error itself adds nothing).
      body = undefined;
    }
    let caller: CallerCall | undefined;
    try {
      const invoke = req.method === 'POST' && path === INVOKE_PATH;
      if (!invoke && !(req.method === 'POST' && path === HEALTH_PATH))
        throw forwardErrors.badRequest(memberId, `${req.method} ${path.slice(0, 100)}`);
      const problem = invoke ? invokeProblem(body) : healthProblem(body);
      if (problem) throw forwardErrors.badRequest(memberId, problem);
      const call = body as ForwardedInvoke | ForwardedHealth;
      caller = callers.begin(req.socket, call.resource, call.deadline);
      const result = invoke
        ? await runForwardedInvoke(owner, call as ForwardedInvoke, caller.signal)
        : await runForwardedHealth(owner, call as ForwardedHealth, caller.signal);
      answer(res, checked.nonce, { ok: true, result });
    } catch (err) {
      answer(res, checked.nonce, { ok: false, error: err });
    } finally {
      if (caller !== undefined) callers.end(caller);
    }
  };

  const server = createServer((req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const refuseLarge = () => {
      const nonce = String(req.headers[SIGNATURE_HEADERS.nonce] ?? '');
      // The connection is closed once the answer is out: the rest of the body is not read.
      res.setHeader('connection', 'close');
      res.once('finish', () => req.socket.destroy());
      answer(res, nonce, {
        ok: false,
        error: forwardErrors.tooLarge('request', maxBodyBytes, memberId),
      });
    };
    if (declared > maxBodyBytes) {
      refuseLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        over = true;
        refuseLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      // One chunk (a small call) is the body itself: no copy.
      if (!over)
        void handle(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
  });
  // Longer than the client's idle sockets live (the agent honours the Keep-Alive hint), so the
  // server rarely closes a socket that a client is about to reuse.
  server.keepAliveTimeout = 60_000;
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
    close: () =>
      new Promise<void>((resolve) => {
        // A keep-alive socket whose call was in flight turns idle once answered: end it then.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
