import { DefaultSerializer, deserialize } from 'node:v8';

/** Bytes of a frame header: the payload length as an unsigned 32-bit big-endian integer. */
export const FRAME_HEADER_BYTES = 4;

/**
 * Encodes one message as a frame: a 4-byte big-endian payload length, then the value's V8
 * structured-clone serialisation (`v8.serialize`'s bytes, what `child_process` IPC with
 * `serialization: 'advanced'` sends, so values cross exactly as they do to a worker). Throws
 * what `v8.serialize` throws for a value that cannot be cloned (a function), before anything is
 * written.
 */
export function encodeFrame(message: unknown): Buffer {
  // The header's room is written first and filled in once the length is known: the frame is
  // the serializer's own buffer, with no second allocation and copy of every message.
  const ser = new DefaultSerializer();
  ser.writeRawBytes(HEADER_ROOM);
  ser.writeHeader();
  ser.writeValue(message);
  const frame = ser.releaseBuffer();
  frame.writeUInt32BE(frame.length - FRAME_HEADER_BYTES, 0);
  return frame;
}

const HEADER_ROOM = Buffer.alloc(FRAME_HEADER_BYTES);

/** What {@link FrameDecoder} reports when the stream stops making sense. */
export type FrameFault =
  | { readonly kind: 'oversized'; readonly size: number; readonly limit: number }
  | { readonly kind: 'malformed'; readonly detail: string };

/**
 * Splits a byte stream into frames and decodes each one. The length in a frame's header is
 * checked against `maxPayloadBytes` as soon as the 4 header bytes are in, BEFORE any of the
 * payload is kept: an oversized frame is refused without being materialised (at most the one
 * chunk the stream already read is held). After a fault the decoder ignores everything else: a
 * stream that lied once cannot be re-synchronised.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Payload length of the frame being read, or -1 while its header is incomplete. */
  private need = -1;
  private dead = false;

  constructor(
    private readonly maxPayloadBytes: number,
    private readonly onFrame: (message: unknown) => void,
    private readonly onFault: (fault: FrameFault) => void,
  ) {}

  /** Feeds one chunk read from the stream. */
  push(chunk: Buffer): void {
    if (this.dead) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < FRAME_HEADER_BYTES) return;
        const size = this.peekHeader();
        if (size > this.maxPayloadBytes) {
          this.fail({ kind: 'oversized', size, limit: this.maxPayloadBytes });
          return;
        }
        this.take(FRAME_HEADER_BYTES);
        this.need = size;
      }
      if (this.buffered < this.need) return;
      const payload = this.take(this.need);
      this.need = -1;
      let message: unknown;
      try {
        message = deserialize(payload);
      } catch (err) {
        this.fail({ kind: 'malformed', detail: (err as Error).message });
        return;
      }
      this.onFrame(message);
      if (this.dead) return;
    }
  }

  private fail(fault: FrameFault): void {
    this.dead = true;
    this.chunks = [];
    this.buffered = 0;
    this.onFault(fault);
  }

  private peekHeader(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= FRAME_HEADER_BYTES) return first.readUInt32BE(0);
    return Buffer.concat(this.chunks, FRAME_HEADER_BYTES).readUInt32BE(0);
  }

  /** Removes and returns the next `n` buffered bytes (one copy at most; none for one chunk). */
  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0] as Buffer;
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}
