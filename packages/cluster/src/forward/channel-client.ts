import { ChassisError } from '@chassis/kernel';
import type { MemberAddress } from '../types.js';
import { ChannelLink } from './channel-link.js';
import { forwardErrors } from './errors.js';
import { type AnswerFrame, encodeCall, overLimit } from './frames.js';
import { type ChannelOperation, type ForwardAnswer, isAnswer } from './protocol.js';
import {
  newNonce,
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
  /** See `heartbeat`. */
  readonly pingIntervalMs: number;
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

/**
 * Signed calls to other members, each over the one {@link ChannelLink} (WebSocket connection)
 * to its owner. A call is sent once and never retried here, so it runs at most once.
 */
export class ChannelClient {
  private readonly links = new Map<string, ChannelLink>();
  private readonly key: SigningKey;
  private closed = false;

  constructor(private readonly options: ChannelClientOptions) {
    this.key = secretKey(options.secret);
  }

  /**
   * Sends `payload` as `operation` to `owner` and returns the owner's answer: its result, or
   * its typed error rebuilt as the same `ChassisError`. Delivery failures reject with
   * `CHASSIS_E_CLUSTER_FORWARD_FAILED` naming the owner; `details.ambiguous` is true unless the
   * failure happened before the call was sent (the connection could not be opened): the
   * owner may have run it. An abort of `signal` rejects with the signal's reason at once and
   * sends the owner a cancel, which aborts the call there.
   */
  async post(
    owner: MemberAddress,
    operation: ChannelOperation,
    payload: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) throw signal.reason;
    const text = JSON.stringify(payload);
    const { maxBodyBytes, memberId } = this.options;
    if (overLimit(text, maxBodyBytes))
      throw forwardErrors.tooLarge('request', maxBodyBytes, owner.memberId);
    if (this.closed)
      throw forwardErrors.forwardFailed(
        owner.memberId,
        owner.url,
        'the forwarder was closed',
        false,
      );
    let link: ChannelLink;
    try {
      link = this.link(owner);
    } catch (err) {
      throw forwardErrors.forwardFailed(
        owner.memberId,
        owner.url,
        'its URL is unusable',
        false,
        err,
      );
    }
    const id = link.id();
    const nonce = newNonce();
    const timestamp = Date.now();
    const frame = encodeCall({ id, operation, timestamp, nonce, member: memberId }, text, (body) =>
      signRequest(this.key, { operation, timestamp, nonce, member: memberId, body }),
    );
    const answer = await new Promise<AnswerFrame>((resolve, reject) => {
      const onAbort = () => {
        link.cancel(id);
        reject(signal?.reason);
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      link
        .send(
          id,
          frame,
          {
            resolve: (a) => {
              done();
              resolve(a);
            },
            reject: (e) => {
              done();
              reject(e);
            },
          },
          signal,
        )
        .catch((e: unknown) => {
          done();
          reject(e);
        });
    });
    return this.read(owner, nonce, answer);
  }

  /** Checks the answer's signature and shape; the result, or the owner's error rebuilt. */
  private read(owner: MemberAddress, nonce: string, answer: AnswerFrame): unknown {
    const { status, body: raw, signature: given } = answer;
    const failed = (what: string, cause?: unknown) =>
      forwardErrors.forwardFailed(owner.memberId, owner.url, what, true, cause);
    if (!sameSignature(signAnswer(this.key, status, nonce, raw), given)) {
      // A member with another secret signs its refusal with that secret: the refusal is still
      // the most useful answer. Believing a forged one only costs a failed call, which an
      // attacker on the path could cause anyway.
      const refusal = status === 401 ? authRefusal(raw) : undefined;
      if (refusal) throw refusal;
      throw failed(`the answer (status ${status}) is not signed with the cluster secret`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw failed(`the answer (status ${status}) is not JSON`, err);
    }
    if (!isAnswer(parsed)) throw failed(`the answer (status ${status}) is not a channel answer`);
    const a = parsed as ForwardAnswer;
    if (a.ok) return a.result;
    throw ChassisError.fromJSON(a.error);
  }

  /** The live link to `owner`, opened when there is none (or the last one died). */
  private link(owner: MemberAddress): ChannelLink {
    const key = `${owner.memberId} ${owner.url}`;
    let l = this.links.get(key);
    if (l === undefined || l.dead) {
      l = new ChannelLink(owner, this.options.maxBodyBytes, this.options.pingIntervalMs);
      this.links.set(key, l);
    }
    return l;
  }

  /** Ends every connection: calls still waiting reject as ambiguous. */
  async close(): Promise<void> {
    this.closed = true;
    for (const l of this.links.values()) l.close();
    this.links.clear();
  }
}
