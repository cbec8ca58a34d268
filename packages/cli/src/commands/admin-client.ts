import { readFile } from 'node:fs/promises';
import { ChassisError, type ErrorCode, type SerializedError } from '@chassis/kernel/errors';
import { type Command, InvalidArgumentError, Option } from 'commander';

/** Connection options shared by every admin command. */
export interface Connection {
  readonly url: string;
  readonly token?: string;
  readonly json?: boolean;
}

/** Adds `--url`, `--token` and `--json` (env `CHASSIS_URL`, `CHASSIS_TOKEN`). */
export function withConnection(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--url <url>', 'admin API URL')
        .env('CHASSIS_URL')
        .default('http://127.0.0.1:8080')
        .argParser(parseAdminUrl),
    )
    .addOption(new Option('--token <token>', 'admin bearer token').env('CHASSIS_TOKEN'))
    .option('--json', 'machine-readable JSON output');
}

/**
 * Checks `--url` / `CHASSIS_URL` while parsing, so a bad value is a usage error (exit 2) naming the
 * option, not an internal error from `new URL` at the first request.
 */
export function parseAdminUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The TypeError only says "Invalid URL"; the message below says what was wrong instead.
    throw new InvalidArgumentError(`"${value}" is not a URL; use e.g. http://127.0.0.1:8080.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`"${value}" must be an http:// or https:// URL.`);
  }
  return value;
}

/** The root program's output (runCli's streams in tests). */
export function output(cmd: Command): { out: (s: string) => void; err: (s: string) => void } {
  let root = cmd;
  while (root.parent) root = root.parent;
  const o = root.configureOutput();
  return {
    out: o.writeOut ?? ((s: string) => process.stdout.write(s)),
    err: o.writeErr ?? ((s: string) => process.stderr.write(s)),
  };
}

function unreachable(url: string, cause: unknown): ChassisError {
  const why =
    (cause as { cause?: { code?: string } })?.cause?.code ??
    (cause instanceof Error ? cause.message : String(cause));
  return new ChassisError(
    'CHASSIS_E_CLI_UNREACHABLE',
    `The admin API at ${url} could not be reached (${why}); check --url or CHASSIS_URL and that the server runs.`,
    { details: { url }, cause },
  );
}

/** Turns an error body into a ChassisError (with its cause chain); lists property violations in the message. */
async function toError(res: Response): Promise<ChassisError> {
  const body = (await res.json().catch(() => ({}))) as {
    code?: string;
    message?: string;
    details?: Record<string, unknown>;
    cause?: SerializedError;
  };
  const code = (body.code ?? 'CHASSIS_E_UNKNOWN') as ErrorCode;
  let message = body.message ?? `HTTP ${res.status}`;
  const violations = body.details?.violations;
  if (Array.isArray(violations) && violations.length > 0) {
    message += violations
      .map(
        (v: { key?: string; path?: string; message?: string }) =>
          `\n  - ${v.key ?? v.path ?? ''}: ${v.message ?? ''}`,
      )
      .join('');
  }
  // The server's typed cause chain (e.g. the health check that failed a cluster canary).
  const cause = isSerialized(body.cause) ? { cause: ChassisError.fromJSON(body.cause) } : {};
  return new ChassisError(code, message, { details: body.details ?? {}, ...cause });
}

function isSerialized(v: unknown): v is SerializedError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SerializedError).code === 'string' &&
    typeof (v as SerializedError).message === 'string'
  );
}

/** Calls the admin API and returns the JSON body; errors become typed ChassisErrors. */
export async function call<T>(
  conn: Connection,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const res = await send(conn, method, path, body, signal ? { signal } : {});
  // 204 (a delete) has no body to parse.
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/**
 * Sends one request to the admin API with extra `headers` (e.g. `Prefer`) and returns the
 * successful response for its status and headers; errors become typed ChassisErrors.
 */
export async function send(
  conn: Connection,
  method: string,
  path: string,
  body?: unknown,
  options: { readonly signal?: AbortSignal; readonly headers?: Record<string, string> } = {},
): Promise<Response> {
  const url = new URL(path, conn.url);
  const headers: Record<string, string> = { ...options.headers };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  let payload: string | Buffer | undefined;
  if (Buffer.isBuffer(body)) {
    headers['content-type'] = 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    throw unreachable(conn.url, err);
  }
  if (!res.ok) throw await toError(res);
  return res;
}

/**
 * The server reads an upload from its own temp file (`…/upload.car`): an error naming that
 * path means nothing to the operator. Names the operator's file instead, in the message and
 * in every string of the details.
 */
export function namedForUser(err: unknown, file: string): unknown {
  if (!ChassisError.is(err)) return err;
  const temp = /(?:[A-Za-z]:)?[^\s"'`]*[\\/]upload\.car\b/g;
  const fix = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.replace(temp, file)
      : Array.isArray(v)
        ? v.map(fix)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]))
          : v;
  return new ChassisError(err.code, fix(err.message) as string, {
    details: fix(err.details) as Record<string, unknown>,
  });
}

/** Reads a local file for upload. */
export async function readUpload(path: string): Promise<Buffer> {
  return readFile(path);
}

/** One server-sent event. */
export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Streams `/events` until `signal` aborts or the server ends the stream; `onEvent` returning
 * `false` stops reading.
 */
export async function streamEvents(
  conn: Connection,
  types: string | undefined,
  onEvent: (e: SseEvent) => boolean | undefined,
  signal: AbortSignal,
): Promise<void> {
  const url = new URL('/events', conn.url);
  if (types) url.searchParams.set('types', types);
  let res: Response;
  try {
    res = await fetch(url, {
      headers: conn.token ? { authorization: `Bearer ${conn.token}` } : {},
      signal,
    });
  } catch (err) {
    if (signal.aborted) return;
    throw unreachable(conn.url, err);
  }
  if (!res.ok) throw await toError(res);
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let i = buffer.indexOf('\n\n');
      while (i >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        let event = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data && onEvent({ event, data: JSON.parse(data) }) === false) return;
        i = buffer.indexOf('\n\n');
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    await reader.cancel().catch(() => {});
  }
}
