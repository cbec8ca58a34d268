import { ChassisError, type ErrorCode } from '@chassis/kernel';
import { DownloadHTTPError } from 'tuf-js/dist/error.js';

/** Where a TUF failure happened: refreshing metadata or downloading a target. */
export type TufStage = 'refresh' | 'download';

/** Context for {@link mapTufError}. */
export interface TufErrorContext {
  readonly stage: TufStage;
  /** Repository base URL (for messages). */
  readonly url: string;
  /** The transport's last error: tuf-js flattens some errors into strings. */
  readonly transportError?: unknown;
  /** The target being downloaded, if any. */
  readonly target?: string;
}

/**
 * Message patterns of tuf-js 4 / @tufjs/models 4 errors. tuf-js wraps snapshot and targets
 * failures into `RuntimeError` strings, so the text is all that survives; the attack tests pin
 * this table to the installed version.
 */
const PATTERNS: readonly (readonly [RegExp, ErrorCode, string])[] = [
  [
    /Max length reached/i,
    'CHASSIS_E_REPO_TARGET_TOO_LARGE',
    'a download exceeded its length limit (endless data?)',
  ],
  [
    /is expired/i,
    'CHASSIS_E_REPO_FREEZE',
    'metadata has expired (freeze attack or a stale mirror)',
  ],
  [
    /less than current version|Expected version \d+, got/i,
    'CHASSIS_E_REPO_ROLLBACK',
    'metadata is older than what this client already trusts (rollback)',
  ],
  [
    /doesn't match timestamp|does not match snapshot version|in (?:new )?snapshot/i,
    'CHASSIS_E_REPO_MIX_AND_MATCH',
    'snapshot, timestamp and targets versions do not agree (mix-and-match)',
  ],
  [
    /Expected (?:hash|length)/i,
    'CHASSIS_E_REPO_MIX_AND_MATCH',
    'metadata does not match what the referring metadata says',
  ],
];

function codeForText(text: string, stage: TufStage): readonly [ErrorCode, string] {
  if (stage === 'download' && /Expected (?:hash|length)/i.test(text)) {
    return [
      'CHASSIS_E_REPO_TARGET_INVALID',
      'the downloaded CAR does not match its signed digest/length',
    ];
  }
  for (const [re, code, why] of PATTERNS) if (re.test(text)) return [code, why];
  return [
    'CHASSIS_E_REPO_METADATA_INVALID',
    'metadata failed TUF verification (bad signature or malformed)',
  ];
}

/** Maps any error raised while using tuf-js to a typed ChassisError. */
export function mapTufError(err: unknown, ctx: TufErrorContext): ChassisError {
  if (ChassisError.is(err)) return err;
  const text = err instanceof Error ? err.message : String(err);
  const transport = ctx.transportError as Error | undefined;
  const fromTransport =
    err === transport ||
    (transport instanceof Error && transport.message !== '' && text.includes(transport.message));
  if (fromTransport && ChassisError.is(transport)) return transport;
  const http = err instanceof DownloadHTTPError ? err : fromTransport ? transport : undefined;
  if (http instanceof DownloadHTTPError) {
    const missing = http.statusCode === 404 || http.statusCode === 403;
    if (missing && /timestamp\.json$/.test(http.message)) {
      return new ChassisError(
        'CHASSIS_E_REPO_NOT_FOUND',
        `No repository at ${ctx.url} (timestamp.json missing); check the URL, or wait for a mirror to finish syncing`,
        { details: { url: ctx.url }, cause: err },
      );
    }
    return new ChassisError(
      missing ? 'CHASSIS_E_REPO_MIRROR_INCOMPLETE' : 'CHASSIS_E_REPO_TRANSPORT',
      missing
        ? `Repository ${ctx.url} lacks a file its signed metadata lists (${http.message}); the mirror is half-synced: re-run the mirror`
        : `Repository ${ctx.url} answered ${http.message}`,
      { details: { url: ctx.url, ...(ctx.target ? { target: ctx.target } : {}) }, cause: err },
    );
  }
  const [code, why] = codeForText(text, ctx.stage);
  return new ChassisError(code, `Refused repository ${ctx.url}: ${why} (${text})`, {
    details: { url: ctx.url, stage: ctx.stage, ...(ctx.target ? { target: ctx.target } : {}) },
    cause: err,
  });
}
