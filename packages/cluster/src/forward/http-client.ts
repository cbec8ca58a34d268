import { Agent, type RequestOptions, request } from 'node:http';
import { ChassisError } from '@chassis/kernel';
import type { MemberAddress } from '../types.js';
import { forwardErrors } from './errors.js';
import { type ForwardAnswer, isAnswer } from './protocol.js';
import {
  bodyDigest,
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
  /** Idle keep-alive sockets kept per owner (default 16). */
  readonly maxFreeSockets?: number;
}

/**
 * Signed JSON POSTs to other members over one keep-alive `node:http` Agent. The built-in
 * client, not undici: it needs no dependency, and on loopback a keep-alive `http.request` is
 * within a few microseconds of a bare socket round trip (see `bench/forward.bench.ts`); the
 * cost of a forwarded call is the owner's work, not the client.
 */
export class ChannelClient {
  private readonly agent: Agent;
  private readonly inFlight = new Set<{ destroy(err: Error): void }>();
  private readonly targets = new Map<string, RequestOptions & { path: string }>();
  private readonly key: SigningKey;

  constructor(private readonly options: ChannelClientOptions) {
    this.key = secretKey(options.secret);
    this.agent = new Agent({
      keepAlive: true,
      maxFreeSockets: options.maxFreeSockets ?? 16,
      // The most recently used socket is the warmest and the least likely to be closed by the
      // peer's keep-alive timeout just as it is reused.
      scheduling: 'lifo',
    });
  }

  /**
   * POSTs `payload` to `owner.url` + `path` and returns the owner's answer: its result, or its
   * typed error rebuilt as the same `ChassisError`. Delivery failures reject with
   * `CHASSIS_E_CLUSTER_FORWARD_FAILED` naming the owner; `details.ambiguous` is true once the
   * request had been sent in full (the owner may have run it). An abort of `signal` destroys
   * the request and rejects with the signal's reason (the owner sees the connection close).
   */
  post(
    owner: MemberAddress,
    path: string,
    payload: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const body = Buffer.from(JSON.stringify(payload));
    const { maxBodyBytes, memberId } = this.options;
    const secret = this.key;
    if (body.length > maxBodyBytes)
      return Promise.reject(forwardErrors.tooLarge('request', maxBodyBytes, owner.memberId));
    let target: RequestOptions & { path: string };
    try {
      target = this.target(owner.url, path);
    } catch (err) {
      return Promise.reject(
        forwardErrors.forwardFailed(owner.memberId, owner.url, 'its URL is not usable', false, err),
      );
    }
    const nonce = newNonce();
    const timestamp = Date.now();
    const signature = signRequest(secret, {
      method: 'POST',
      path: target.path,
      timestamp,
      nonce,
      member: memberId,
      bodyDigest: bodyDigest(body),
    });
    return new Promise((resolve, reject) => {
      let sent = false;
      let settled = false;
      const req = request({
        ...target,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          [SIGNATURE_HEADERS.signature]: signature,
          [SIGNATURE_HEADERS.timestamp]: String(timestamp),
          [SIGNATURE_HEADERS.nonce]: nonce,
          [SIGNATURE_HEADERS.member]: memberId,
        },
      });
      const handle = { destroy: (err: Error) => req.destroy(err) };
      const onAbort = () => {
        done();
        if (settled) return;
        settled = true;
        req.destroy();
        reject(signal?.reason);
      };
      const done = () => {
        this.inFlight.delete(handle);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (what: string, cause?: unknown) => {
        done();
        if (settled) return;
        settled = true;
        reject(forwardErrors.forwardFailed(owner.memberId, owner.url, what, sent, cause));
      };
      this.inFlight.add(handle);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('finish', () => {
        sent = true;
      });
      req.on('error', (err) => {
        fail(`${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`, err);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            done();
            if (!settled) {
              settled = true;
              // The owner ran the call; only its answer is refused.
              reject(forwardErrors.tooLarge('answer', maxBodyBytes, owner.memberId));
            }
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(`the answer was cut off: ${err.message}`, err));
        res.on('end', () => {
          done();
          if (settled) return;
          const raw = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          const given = res.headers[SIGNATURE_HEADERS.signature];
          if (
            typeof given !== 'string' ||
            !sameSignature(signAnswer(secret, status, nonce, raw), given)
          ) {
            fail(`the answer (HTTP ${status}) is not signed with the cluster secret`);
            return;
          }
          let answer: unknown;
          try {
            answer = JSON.parse(raw.toString('utf8'));
          } catch (err) {
            fail(`the answer (HTTP ${status}) is not JSON`, err);
            return;
          }
          if (!isAnswer(answer)) {
            fail(`the answer (HTTP ${status}) is not a channel answer`);
            return;
          }
          settled = true;
          const a = answer as ForwardAnswer;
          if (a.ok) resolve(a.result);
          else reject(ChassisError.fromJSON(a.error));
        });
      });
      req.end(body);
    });
  }

  /** Request options of `path` on a member (its URL parsed once per member and path). */
  private target(base: string, path: string): RequestOptions & { path: string } {
    const key = `${base} ${path}`;
    let target = this.targets.get(key);
    if (target === undefined) {
      const url = new URL(`${base.replace(/\/+$/, '')}${path}`);
      if (url.protocol !== 'http:')
        throw new TypeError(`member URL ${base} must be http: (the channel speaks plain HTTP/1.1)`);
      target = {
        method: 'POST',
        agent: this.agent,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? 80 : Number(url.port),
        path: url.pathname,
      };
      this.targets.set(key, target);
    }
    return target;
  }

  /** Ends every in-flight request (they reject as ambiguous) and closes the sockets. */
  close(): void {
    for (const r of [...this.inFlight]) r.destroy(new Error('the forwarder was closed'));
    this.inFlight.clear();
    this.agent.destroy();
  }
}
