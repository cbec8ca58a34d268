import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChassisError } from '@chassis/kernel';

/** Limits of one download. */
export interface DownloadLimits {
  /** Bytes after which the download fails with `CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE`. */
  readonly maxBytes?: number;
  /** Whole-download deadline (`CHASSIS_E_LOADER_DOWNLOAD_TIMEOUT`). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Default cap on one CAR download: 256 MiB. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;
/** Default deadline of one download: 5 minutes. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

/** A signal that fires on the caller's abort or after `timeoutMs`, with a typed reason. */
export function downloadSignal(what: string, limits: DownloadLimits): AbortSignal {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const ac = new AbortController();
  const timer = setTimeout(
    () =>
      ac.abort(
        new ChassisError(
          'CHASSIS_E_LOADER_DOWNLOAD_TIMEOUT',
          `downloading ${what} did not finish within ${timeoutMs} ms; check the source or raise timeoutMs`,
          { details: { url: what, timeoutMs } },
        ),
      ),
    timeoutMs,
  );
  timer.unref();
  limits.signal?.addEventListener('abort', () => ac.abort(limits.signal?.reason), { once: true });
  ac.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return ac.signal;
}

/** The typed error for a download over its cap. */
export function tooLarge(what: string, maxBytes: number, size?: number): ChassisError {
  return new ChassisError(
    'CHASSIS_E_LOADER_DOWNLOAD_TOO_LARGE',
    `${what} is larger than the ${maxBytes}-byte download cap; raise maxBytes if the CAR is legitimate`,
    { details: { url: what, maxBytes, ...(size === undefined ? {} : { size }) } },
  );
}

/**
 * Streams `body` into `destFile` through a temporary sibling file and renames it into place
 * only when complete: a failed, capped or timed-out download leaves nothing behind.
 */
export async function streamToFile(
  what: string,
  body: Readable | AsyncIterable<Uint8Array>,
  destFile: string,
  limits: DownloadLimits & { readonly signal: AbortSignal; readonly sha256?: string },
): Promise<void> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const temp = join(
    dirname(destFile),
    `.${basename(destFile)}.${randomBytes(6).toString('hex')}.part`,
  );
  let seen = 0;
  const hash = createHash('sha256');
  const capped = async function* (source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      seen += chunk.byteLength;
      if (seen > maxBytes) throw tooLarge(what, maxBytes);
      hash.update(chunk);
      yield chunk;
    }
  };
  try {
    await pipeline(body, capped, createWriteStream(temp, { flags: 'wx' }), {
      signal: limits.signal,
    });
    const digest = hash.digest('hex');
    if (limits.sha256 && limits.sha256.toLowerCase() !== digest) {
      throw new ChassisError(
        'CHASSIS_E_LOADER_DOWNLOAD_DIGEST_MISMATCH',
        `${what} has SHA-256 ${digest} but the source listed ${limits.sha256}; the copy is corrupt or was replaced`,
        { details: { url: what, expected: limits.sha256, actual: digest } },
      );
    }
    await rename(temp, destFile);
  } catch (err) {
    await rm(temp, { force: true });
    if (limits.signal.aborted && ChassisError.is(limits.signal.reason)) throw limits.signal.reason;
    if (ChassisError.is(err)) throw err;
    throw new ChassisError(
      'CHASSIS_E_LOADER_SOURCE_UNREACHABLE',
      `downloading ${what} failed: ${(err as Error).message}`,
      { details: { url: what }, cause: err },
    );
  }
}
