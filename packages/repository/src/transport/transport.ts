import { BaseFetcher } from 'tuf-js';
import { DownloadHTTPError } from 'tuf-js/dist/error.js';

/**
 * An untrusted byte source for a repository (file folder, HTTP(S), S3). It only fetches:
 * lengths are capped by the caller (`BaseFetcher` stops at the cap) and content is verified by
 * TUF. A missing object must throw {@link notFound} (a `DownloadHTTPError` 404), which is how
 * the TUF client learns that no newer root exists.
 */
export abstract class Transport extends BaseFetcher {
  /** The last error this transport raised (tuf-js flattens some errors into strings). */
  lastError: unknown;

  /** Opens `url` for reading. */
  protected abstract open(url: string): Promise<NodeJS.ReadableStream>;

  /** Releases connections (S3 clients, sockets). */
  close(): void {}

  override async fetch(url: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.open(url);
    } catch (err) {
      this.lastError = err;
      throw err;
    }
  }
}

/** The "no such object" error tuf-js expects from a fetcher. */
export function notFound(url: string, status = 404): DownloadHTTPError {
  return new DownloadHTTPError(`Not found (${status}): ${url}`, status);
}

/** True for the fetcher error meaning "not there" (404/403). */
export function isNotFound(err: unknown): err is DownloadHTTPError {
  return err instanceof DownloadHTTPError && (err.statusCode === 404 || err.statusCode === 403);
}

export { DownloadHTTPError };
