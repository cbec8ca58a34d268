import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** One raw admin API answer. */
export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly contentType: string;
  /** The body parsed as JSON when it is JSON, else the text. */
  readonly body: T;
  readonly text: string;
}

/** Options of {@link adminRequest}. */
export interface RequestOptions {
  readonly method?: string;
  /** Bearer token; `undefined` sends no `Authorization` header. */
  readonly token?: string;
  /** JSON body (object) or raw bytes (sent as `application/octet-stream`). */
  readonly body?: unknown;
  /** Default 15 s. */
  readonly timeoutMs?: number;
}

/** Calls the admin API of `baseUrl` over HTTP, as any client would. */
export async function adminRequest<T = unknown>(
  baseUrl: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (Buffer.isBuffer(options.body)) {
    headers['content-type'] = 'application/octet-stream';
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(new URL(path, baseUrl), {
    method: options.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  if (contentType.includes('json')) parsed = JSON.parse(text);
  return { status: res.status, contentType, body: parsed as T, text };
}

/** Uploads a CAR file to `POST /api/drivers` (what `chassis drivers install <file>` does). */
export async function uploadCar(
  baseUrl: string,
  token: string,
  carFile: string,
): Promise<HttpAnswer<{ result: string; to?: string }>> {
  return adminRequest(baseUrl, '/api/drivers', {
    method: 'POST',
    token,
    body: await readFile(carFile),
    timeoutMs: 30_000,
  });
}

/** A localhost URL where nothing listens (a port that was just free). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return `http://127.0.0.1:${address.port}`;
}
