import { ChassisError } from '@chassis/kernel';
import { downloadSignal, streamToFile, tooLarge } from './download.js';
import type { SourceDefaults } from './file-source.js';
import type { CarRef, CarSource, DownloadOptions } from './source.js';

/** Largest index or directory listing read (listings are small; a huge one is a mistake). */
const MAX_LISTING_BYTES = 4 * 1024 * 1024;

/**
 * `http(s)://host/path/`: reads `<url>/index.json` — `{"cars":[{"name","url","size","sha256"}]}`
 * or a bare array of the same objects, `url` relative to the index — and, when the server has
 * no index (404), parses the HTML directory listing at `<url>/` for `href="….car"` links.
 */
export class HttpSource implements CarSource {
  private readonly base: URL;
  constructor(
    url: string,
    private readonly defaults: SourceDefaults = {},
  ) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`);
  }

  async list(): Promise<CarRef[]> {
    const indexUrl = new URL('index.json', this.base);
    const index = await this.get(indexUrl);
    if (index.status === 200) return parseIndex(await index.text(), indexUrl);
    await index.body?.cancel();
    if (index.status !== 404) throw this.unreachable(indexUrl, `HTTP ${index.status}`);
    const listing = await this.get(this.base);
    if (listing.status !== 200) {
      await listing.body?.cancel();
      throw this.unreachable(this.base, `HTTP ${listing.status} (and no index.json)`);
    }
    return parseListing(await listing.text(), this.base);
  }

  async download(ref: CarRef, destFile: string, opts: DownloadOptions = {}): Promise<void> {
    const maxBytes = opts.maxBytes ?? this.defaults.maxBytes;
    const signal = downloadSignal(ref.url, {
      timeoutMs: opts.timeoutMs ?? this.defaults.timeoutMs,
      signal: opts.signal,
    });
    let res: Response;
    try {
      res = await fetch(ref.url, { signal });
    } catch (cause) {
      if (ChassisError.is(signal.reason)) throw signal.reason;
      throw this.unreachable(new URL(ref.url), (cause as Error).message, cause);
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw this.unreachable(new URL(ref.url), `HTTP ${res.status}`);
    }
    const length = Number(res.headers.get('content-length') ?? Number.NaN);
    if (maxBytes !== undefined && Number.isFinite(length) && length > maxBytes) {
      await res.body.cancel();
      throw tooLarge(ref.url, maxBytes, length);
    }
    await streamToFile(ref.url, res.body as unknown as AsyncIterable<Uint8Array>, destFile, {
      maxBytes,
      signal,
      sha256: ref.sha256,
    });
  }

  private async get(url: URL): Promise<Response> {
    const signal = downloadSignal(url.href, { timeoutMs: this.defaults.timeoutMs ?? 30_000 });
    try {
      const res = await fetch(url, { signal });
      const length = Number(res.headers.get('content-length') ?? 0);
      if (length > MAX_LISTING_BYTES) {
        await res.body?.cancel();
        throw tooLarge(url.href, MAX_LISTING_BYTES, length);
      }
      return res;
    } catch (cause) {
      if (ChassisError.is(cause)) throw cause;
      if (ChassisError.is(signal.reason)) throw signal.reason;
      throw this.unreachable(url, (cause as Error).message, cause);
    }
  }

  private unreachable(url: URL, why: string, cause?: unknown): ChassisError {
    return new ChassisError(
      'CHASSIS_E_LOADER_SOURCE_UNREACHABLE',
      `cannot read ${url.href}: ${why}`,
      {
        details: { url: url.href },
        ...(cause === undefined ? {} : { cause }),
      },
    );
  }
}

/** Parses an `index.json` (pure). Entries without a `.car` name or a url are refused. */
export function parseIndex(text: string, indexUrl: URL): CarRef[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw invalidIndex(indexUrl, 'is not JSON', cause);
  }
  const list = Array.isArray(value) ? value : (value as { cars?: unknown } | null)?.cars;
  if (!Array.isArray(list)) throw invalidIndex(indexUrl, 'must be an array or {"cars": [...]}');
  const refs = list.map((item, i): CarRef => {
    const { name, url, size, sha256 } = (item ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof url !== 'string') {
      throw invalidIndex(indexUrl, `entry ${i} needs string "name" and "url"`);
    }
    return {
      name,
      url: new URL(url, indexUrl).href,
      ...(typeof size === 'number' ? { size } : {}),
      ...(typeof sha256 === 'string' && /^[0-9a-f]{64}$/i.test(sha256) ? { sha256 } : {}),
    };
  });
  return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Parses an HTML directory listing for links to `.car` files (pure). */
export function parseListing(html: string, base: URL): CarRef[] {
  const seen = new Map<string, CarRef>();
  for (const m of html.matchAll(/href\s*=\s*["']([^"'#?]+\.car)["']/gi)) {
    const url = new URL(m[1], base);
    const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    if (name && !seen.has(url.href)) seen.set(url.href, { name, url: url.href });
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function invalidIndex(url: URL, why: string, cause?: unknown): ChassisError {
  return new ChassisError('CHASSIS_E_LOADER_SOURCE_UNREACHABLE', `${url.href} ${why}`, {
    details: { url: url.href },
    ...(cause === undefined ? {} : { cause }),
  });
}
