import type { Dispatcher } from 'undici';
import { forwardErrors } from './errors.js';
import { SIGNATURE_HEADERS } from './signing.js';

/** What the owner answered, before its signature and shape are checked. */
export interface RawAnswer {
  readonly status: number;
  /** The answer's signature header, if it carried exactly one. */
  readonly signature: string | undefined;
  readonly body: Buffer;
}

const CONTENT_LENGTH = 'content-length';
const SIGNATURE = SIGNATURE_HEADERS.signature;

/**
 * Reads one answer through undici's `dispatch` handler interface, straight into a buffer list:
 * undici's `request()` wraps every answer in a body stream, an async resource and two abort
 * listeners, which profiled as a good part of a forwarded call's client cost and which this
 * single read of a small JSON body does not need. It reads the two headers the channel uses,
 * refuses an answer over the cap (declared or counted), and follows the caller's signal: an
 * abort ends the request (undici closes its connection), and so does a refused answer.
 */
export class AnswerReader implements Dispatcher.DispatchHandlers {
  private status = 0;
  private signature: string | undefined = undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private abortRequest: ((reason?: Error) => void) | undefined = undefined;
  /** Why the request must end, when that was decided before undici could be told. */
  private reason: Error | undefined = undefined;
  private done = false;

  constructor(
    private readonly resolve: (answer: RawAnswer) => void,
    private readonly reject: (err: unknown) => void,
    private readonly maxBodyBytes: number,
    private readonly peer: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.reason !== undefined) abort(this.reason);
    else this.abortRequest = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[] | string[] | null): boolean {
    this.status = status;
    const headers = rawHeaders ?? [];
    let signatures = 0;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i] as Buffer | string;
      // Only two names matter: compare lengths before decoding any name.
      if (name.length !== CONTENT_LENGTH.length && name.length !== SIGNATURE.length) continue;
      const key = name.toString().toLowerCase();
      if (key === CONTENT_LENGTH) {
        if (Number(String(headers[i + 1])) > this.maxBodyBytes) {
          // The owner ran the call; only its answer is refused.
          this.end(forwardErrors.tooLarge('answer', this.maxBodyBytes, this.peer));
          return false;
        }
      } else if (key === SIGNATURE) {
        signatures++;
        this.signature = String(headers[i + 1]);
      }
    }
    // Two signature headers are no signature: neither is believed.
    if (signatures !== 1) this.signature = undefined;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.maxBodyBytes) {
      // Without a declared length (chunked), the cap is counted while reading.
      this.end(forwardErrors.tooLarge('answer', this.maxBodyBytes, this.peer));
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.finish()) return;
    const { chunks } = this;
    this.resolve({
      status: this.status,
      signature: this.signature,
      body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
    });
  }

  onError(err: Error): void {
    if (this.finish()) return;
    this.reject(this.reason ?? err);
  }

  /** Ends the request with `reason` (the caller sees it, whatever undici reports). */
  private end(reason: Error): void {
    this.reason = reason;
    this.abortRequest?.(reason);
  }

  /** True when already settled; otherwise settles and stops following the signal. */
  private finish(): boolean {
    if (this.done) return true;
    this.done = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    return false;
  }

  private readonly onAbort = (): void => {
    const reason = this.signal?.reason;
    this.end(reason instanceof Error ? reason : new Error(String(reason)));
  };
}
