import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ChassisError } from '@chassis/kernel';
import { DownloadHTTPError, notFound, Transport } from './transport.js';

/** Reads a repository over HTTP(S) with Node's fetch; no retries, a timeout per request. */
export class HttpTransport extends Transport {
  constructor(private readonly timeoutMs = 30_000) {
    super();
  }

  protected async open(url: string): Promise<NodeJS.ReadableStream> {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (err) {
      throw new ChassisError(
        'CHASSIS_E_REPO_TRANSPORT',
        `Cannot reach ${url}: ${(err as Error).message}`,
        {
          details: { url },
          cause: err,
        },
      );
    }
    if (res.status === 404 || res.status === 403 || res.status === 410) {
      await res.body?.cancel();
      throw notFound(url, res.status === 410 ? 404 : res.status);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new DownloadHTTPError(`HTTP ${res.status} from ${url}`, res.status);
    }
    return Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
  }
}
