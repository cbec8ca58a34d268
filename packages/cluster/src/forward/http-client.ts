import { ChassisError } from '@chassis/kernel';
import { Agent } from 'undici';
import type { MemberAddress } from '../types.js';
import { AnswerReader, type RawAnswer } from './answer-reader.js';
import { forwardErrors } from './errors.js';
import { type ForwardAnswer, isAnswer } from './protocol.js';
import {
  newNonce,
  SIGNATURE_HEADERS,
  type SigningKey,
  sameSignature,
  secretKey,
  signAnswer,
  signRequest,
} from './signing.js';

/** What a {@link ChannelClient} needs. */
export interface ChannelClientOptions {
  readonly secret: string;
  readonly memberId: string;
  readonly maxBodyBytes: number;
  /** Keep-alive connections per owner at most (default 64). */
  readonly connectionsPerOwner?: number;
}

/**
 * Errors raised before a connection carried the request: the owner cannot have run it.
 * Anything else (a reset, a socket closed mid-answer, a body timeout) is ambiguous.
 */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
]);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause === undefined ? undefined : errorCode(cause);
}

/** The owner's `CHASSIS_E_CLUSTER_AUTH` refusal in an answer body, if that is what it is. */
function authRefusal(raw: Buffer): ChassisError | undefined {
  try {
    const a: unknown = JSON.parse(raw.toString('utf8'));
    if (isAnswer(a) && !a.ok && a.error.code === 'CHASSIS_E_CLUSTER_AUTH')
      return ChassisError.fromJSON(a.error);
  } catch {
    // Not JSON: not a refusal; the caller reports the unsigned answer instead.
  }
  return undefined;
}

/** The origin and path of `path` on a member, from its channel URL. */
function target(base: string, path: string): { origin: string; path: string } {
  const url = new URL(`${base.replace(/\/+$/, '')}${path}`);
  if (url.protocol !== 'http:')
    throw new TypeError(`member URL ${base} must be http: (the channel speaks plain HTTP/1.1)`);
  return { origin: url.origin, path: url.pathname };
}

/**
 * Signed JSON POSTs to other members over one keep-alive undici `Agent` (a connection pool per
 * owner). undici rather than `node:http`: on loopback its keep-alive round trip costs about
 * half of an `http.request` one (measured with the same body and headers, see the forwarding
 * section of the package README), and a forwarded call's budget is mostly that round trip.
 * Requests go through `dispatch` with an {@link AnswerReader}, not `request()`, which would wrap
 * each small answer in a body stream. POST is never retried by undici (no retry interceptor
 * is installed), so a call is delivered at most once.
 */
export class ChannelClient {
  private readonly agent: Agent;
  private readonly targets = new Map<string, { origin: string; path: string }>();
  private readonly key: SigningKey;

  constructor(private readonly options: ChannelClientOptions) {
    this.key = secretKey(options.secret);
    this.agent = new Agent({
      connections: options.connectionsPerOwner ?? 64,
      // Shorter than the channel server's keep-alive timeout (60 s): the client lets an idle
      // connection go before the server would close it under a request being sent.
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 30_000,
      // A forwarded call may legitimately run long; its deadline is the caller's signal.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /**
   * POSTs `payload` to `owner.url` + `path` and returns the owner's answer: its result, or its
   * typed error rebuilt as the same `ChassisError`. Delivery failures reject with
   * `CHASSIS_E_CLUSTER_FORWARD_FAILED` naming the owner; `details.ambiguous` is true unless the
   * failure happened before a connection carried the request (refused, unreachable): the
   * owner may have run it. An abort of `signal` ends the request and rejects with the
   * signal's reason (the owner sees the connection close and aborts its side).
   */
  async post(
    owner: MemberAddress,
    path: string,
    payload: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) throw signal.reason;
    const body = Buffer.from(JSON.stringify(payload));
    const { maxBodyBytes, memberId } = this.options;
    if (body.length > maxBodyBytes)
      throw forwardErrors.tooLarge('request', maxBodyBytes, owner.memberId);
    let to: { origin: string; path: string };
    try {
      to = this.target(owner.url, path);
    } catch (err) {
      throw forwardErrors.forwardFailed(
        owner.memberId,
        owner.url,
        'its URL is unusable',
        false,
        err,
      );
    }
    const nonce = newNonce();
    const timestamp = Date.now();
    const signature = signRequest(this.key, {
      method: 'POST',
      path: to.path,
      timestamp,
      nonce,
      member: memberId,
      body,
    });
    let answer: RawAnswer;
    try {
      answer = await new Promise<RawAnswer>((resolve, reject) => {
        this.agent.dispatch(
          {
            origin: to.origin,
            path: to.path,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              [SIGNATURE_HEADERS.signature]: signature,
              [SIGNATURE_HEADERS.timestamp]: String(timestamp),
              [SIGNATURE_HEADERS.nonce]: nonce,
              [SIGNATURE_HEADERS.member]: memberId,
            },
            body,
          },
          new AnswerReader(resolve, reject, maxBodyBytes, owner.memberId, signal),
        );
      });
    } catch (err) {
      if (ChassisError.is(err)) throw err;
      if (signal?.aborted) throw signal.reason;
      const code = errorCode(err);
      const what = `${code ?? (err as Error).name}: ${(err as Error).message}`;
      throw forwardErrors.forwardFailed(
        owner.memberId,
        owner.url,
        what,
        code === undefined || !NOT_SENT.has(code),
        err,
      );
    }
    return this.read(owner, nonce, answer);
  }

  /** Checks the answer's signature and shape; the result, or the owner's error rebuilt. */
  private read(owner: MemberAddress, nonce: string, answer: RawAnswer): unknown {
    const { status, body: raw, signature: given } = answer;
    const failed = (what: string, cause?: unknown) =>
      forwardErrors.forwardFailed(owner.memberId, owner.url, what, true, cause);
    if (given === undefined || !sameSignature(signAnswer(this.key, status, nonce, raw), given)) {
      // A member with another secret signs its refusal with that secret: the refusal is still
      // the most useful answer. Believing a forged one only costs a failed call, which an
      // attacker on the path could cause anyway.
      const refusal = status === 401 ? authRefusal(raw) : undefined;
      if (refusal) throw refusal;
      throw failed(`the answer (HTTP ${status}) is not signed with the cluster secret`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw failed(`the answer (HTTP ${status}) is not JSON`, err);
    }
    if (!isAnswer(parsed)) throw failed(`the answer (HTTP ${status}) is not a channel answer`);
    const a = parsed as ForwardAnswer;
    if (a.ok) return a.result;
    throw ChassisError.fromJSON(a.error);
  }

  /** Origin and path of `path` on a member, parsed once per member and path. */
  private target(base: string, path: string): { origin: string; path: string } {
    const key = `${base} ${path}`;
    let t = this.targets.get(key);
    if (t === undefined) {
      t = target(base, path);
      this.targets.set(key, t);
    }
    return t;
  }

  /** Ends every in-flight request (they reject as ambiguous) and closes the connections. */
  async close(): Promise<void> {
    await this.agent.destroy(new Error('the forwarder was closed'));
  }
}
