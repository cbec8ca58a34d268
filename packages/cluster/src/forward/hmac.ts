import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto';

/** SHA-256's block size: HMAC pads its key to one block. */
const BLOCK = 64;
/** Messages up to this size are hashed from one reused buffer; larger ones stream. */
const SCRATCH_BYTES = 32 * 1024;

/**
 * An HMAC-SHA256 key prepared once, signing small messages with two one-shot `crypto.hash`
 * calls (RFC 2104: `H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))`) in a buffer it reuses. Why: the channel
 * computes four HMACs per forwarded call (request and answer, each signed and verified), and
 * `createHmac` builds a native Hmac object each time; profiled in a forwarded call, that object
 * (its construction and its collection) cost more than the hashing. The digest is the same
 * bytes `createHmac('sha256', secret)` gives (tested), so nothing changes on the wire. A message
 * too large for the buffer goes through `createHmac`, whose setup is then a small part.
 *
 * Not re-entrant across threads, and it need not be: signing is synchronous, so no two
 * signatures of one key interleave in the buffer.
 */
export class HmacKey {
  private readonly key: KeyObject;
  /** `K ⊕ ipad` in bytes 0–63, then the message of the signature being computed. */
  private readonly inner = Buffer.allocUnsafe(SCRATCH_BYTES);
  /** `K ⊕ opad`, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 32);

  constructor(secret: string) {
    const raw = Buffer.from(secret, 'utf8');
    this.key = createSecretKey(raw);
    const k = raw.length > BLOCK ? hash('sha256', raw, 'buffer') : raw;
    for (let i = 0; i < BLOCK; i++) {
      const b = k[i] ?? 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /** The hex HMAC of `head` (UTF-8) followed by `body` (UTF-8 when a string). */
  hex(head: string, body: Uint8Array | string): string {
    const s = this.inner;
    // Upper bounds of the UTF-8 sizes (3 bytes per UTF-16 unit), so nothing is measured twice.
    const bodyMax = typeof body === 'string' ? body.length * 3 : body.length;
    if (BLOCK + head.length * 3 + bodyMax > s.length)
      return createHmac('sha256', this.key).update(head).update(body).digest('hex');
    let n = BLOCK + s.write(head, BLOCK, 'utf8');
    if (typeof body === 'string') n += s.write(body, n, 'utf8');
    else {
      s.set(body, n);
      n += body.length;
    }
    // The inner digest as hex (a string is cheaper to get than a Buffer), written back as bytes.
    this.outer.write(hash('sha256', s.subarray(0, n), 'hex'), BLOCK, 'hex');
    return hash('sha256', this.outer, 'hex');
  }
}
