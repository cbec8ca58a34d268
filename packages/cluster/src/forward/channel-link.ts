import { WebSocket } from 'ws';
import type { MemberAddress } from '../types.js';
import { forwardErrors } from './errors.js';
import { type AnswerFrame, decodeFrame, encodeCancel, messageLimit } from './frames.js';
import { heartbeat } from './heartbeat.js';
import { CHANNEL_PATH, MAX_ANSWER_HEADER } from './protocol.js';

/** One call waiting for its answer on a {@link ChannelLink}. */
export interface Waiting {
  readonly resolve: (answer: AnswerFrame) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Errors raised before the connection was open: no call was sent, so the owner cannot have
 * run one. Anything after (a reset, a close before the answer) is ambiguous.
 */
const NOT_SENT_CLOSE = 'the connection could not be opened';

/** The channel URL of a member, `ws:` from its advertised `http:` URL. */
export function channelUrl(base: string): string {
  const url = new URL(`${base.replace(/\/+$/, '')}${CHANNEL_PATH}`);
  if (url.protocol !== 'http:')
    throw new TypeError(`member URL ${base} must be http: (the channel speaks plain WebSocket)`);
  url.protocol = 'ws:';
  return url.toString();
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The one WebSocket connection of a forwarder to one owner, carrying every call to it at
 * once: each call has an id, the answer repeats it. Opened on the first call; a call made
 * while it opens waits for it. If it cannot be opened, the waiting calls fail as not sent
 * (`ambiguous: false`); once open, a close before an answer fails that call as ambiguous (it
 * had been sent). A closed link is replaced by a new one on the next call (`ChannelClient`).
 */
export class ChannelLink {
  private readonly ws: WebSocket;
  private readonly opened: Promise<void>;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  /** Set once the connection closed or failed: the link is then never used again. */
  dead = false;
  private open = false;

  constructor(
    private readonly owner: MemberAddress,
    maxAnswerBytes: number,
    pingIntervalMs: number,
  ) {
    this.ws = new WebSocket(channelUrl(owner.url), {
      perMessageDeflate: false,
      headers: { [MAX_ANSWER_HEADER]: String(maxAnswerBytes) },
      // The owner refuses a larger answer itself; this only bounds a peer that ignores the cap.
      maxPayload: messageLimit(maxAnswerBytes),
      handshakeTimeout: 10_000,
    });
    let failure: unknown;
    this.opened = new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => {
        this.open = true;
        heartbeat(this.ws, pingIntervalMs);
        resolve();
      });
      this.ws.once('close', () =>
        reject(
          forwardErrors.forwardFailed(
            owner.memberId,
            owner.url,
            failure === undefined
              ? NOT_SENT_CLOSE
              : `${errorCode(failure) ?? (failure as Error).name}: ${(failure as Error).message}`,
            false,
            failure,
          ),
        ),
      );
    });
    // Observed here, so an unused link's failure is never an unhandled rejection.
    this.opened.catch(() => undefined);
    this.ws.on('error', (err) => {
      failure ??= err;
    });
    this.ws.on('message', (data: Buffer) => this.onMessage(data));
    this.ws.once('close', (code: number) => {
      this.dead = true;
      const calls = [...this.waiting.values()];
      this.waiting.clear();
      if (calls.length === 0 || !this.open) return;
      const err =
        errorCode(failure) === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
          ? forwardErrors.tooLarge('answer', maxAnswerBytes, owner.memberId)
          : forwardErrors.forwardFailed(
              owner.memberId,
              owner.url,
              `the connection closed before the answer (code ${code})`,
              true,
              failure,
            );
      for (const w of calls) w.reject(err);
    });
  }

  /** A fresh id for a call on this connection. */
  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /**
   * Sends `frame` as call `id` once the connection is open. Rejects when it could not be
   * opened (not sent) or the link died meanwhile. Nothing is sent when `signal` aborted while
   * the connection opened: the caller was already answered with the abort.
   */
  async send(id: number, frame: Buffer, waiting: Waiting, signal?: AbortSignal): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) await this.opened;
    if (signal?.aborted) return;
    if (this.ws.readyState !== WebSocket.OPEN)
      throw forwardErrors.forwardFailed(
        this.owner.memberId,
        this.owner.url,
        'the connection closed before the call was sent',
        false,
      );
    this.waiting.set(id, waiting);
    this.ws.send(frame);
  }

  /** The caller stopped waiting for call `id`: forget it, and tell the owner to abort it. */
  cancel(id: number): void {
    if (!this.waiting.delete(id)) return;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeCancel(id));
  }

  /** Ends the connection; calls still waiting fail as ambiguous. */
  close(): void {
    this.dead = true;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(1001, 'the forwarder was closed');
  }

  private onMessage(data: Buffer): void {
    const frame = decodeFrame(data);
    if (frame.kind !== 'answer') {
      // An owner never sends anything else: not a channel peer. Its calls fail as ambiguous.
      this.ws.terminate();
      return;
    }
    const w = this.waiting.get(frame.id);
    if (w === undefined) return; // cancelled meanwhile: the late answer is dropped
    this.waiting.delete(frame.id);
    w.resolve(frame);
  }
}
