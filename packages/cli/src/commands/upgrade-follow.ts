import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError } from '@chassis/kernel/errors';
import type { UpgradeStatus } from '@chassis/kernel/summaries';
import { type Command, InvalidArgumentError } from 'commander';
import { call, output, send } from './admin-client.js';
import { recordLine } from './drivers-render.js';
import { conn, enc, print } from './drivers-shared.js';

/** The history record a status carries once the action began (what `recordLine` prints). */
type RecordRow = Parameters<typeof recordLine>[0];

/** `--no-wait` and `--wait-timeout`, shared by the commands that follow an accepted action. */
export interface FollowOpts {
  /** `false` with `--no-wait`. */
  wait: boolean;
  waitTimeout: number;
  /** Progress lines on stderr even when it is not a terminal. */
  progress?: boolean;
}

/** Default bound of following one action: the cluster's own request bound (30 min). */
export const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000;

/** Parses a positive number of milliseconds (a usage error otherwise). */
export function positiveMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be milliseconds ≥ 1.');
  return n;
}

/** Adds `--no-wait` and `--wait-timeout <ms>` to `cmd`. */
export function withFollow(cmd: Command, what: string): Command {
  return cmd
    .option('--no-wait', `print the ${what}'s id once the server accepted it, and stop`)
    .option(
      '--wait-timeout <ms>',
      `stop following the ${what} after this long (it goes on on the server)`,
      positiveMs,
      DEFAULT_WAIT_TIMEOUT_MS,
    )
    .option('--progress', 'a progress line per change on stderr, even when it is not a terminal');
}

const finished = (s: UpgradeStatus) => s.state !== 'accepted' && s.state !== 'running';

/** One progress line: `upgrade d 1.0.0 → 1.1.0: running (moving, 1/3 resources)`. */
export function statusLine(s: UpgradeStatus): string {
  const span = s.from || s.to ? ` ${s.from ?? ''}${s.from && s.to ? ' → ' : ''}${s.to ?? ''}` : '';
  const detail = [
    s.phase,
    s.progress ? `${s.progress.moved}/${s.progress.total} resources` : undefined,
    s.leader ? `leader ${s.leader}` : undefined,
  ].filter(Boolean);
  const error = s.error ? `; ${s.error.code}: ${s.error.message}` : '';
  return `${s.action} ${s.driverId}${span}: ${s.state}${detail.length ? ` (${detail.join(', ')})` : ''}${error}`;
}

/**
 * Polls `GET /api/upgrades/{id}` until the action ended, at most `timeoutMs` (then
 * `CHASSIS_E_CLI_WAIT_TIMEOUT` naming the id), printing a line on stderr whenever its state or
 * progress changes: on a terminal or with `--progress`, never with `--json` (so a script's
 * stderr starts with the error, as for every command). The interval grows from 250 ms to 2 s; an unreachable
 * server (a member restarting) is polled again within the bound.
 */
export async function followUpgrade(
  cmd: Command,
  first: UpgradeStatus,
  timeoutMs: number,
  progress = false,
): Promise<UpgradeStatus> {
  const c = conn(cmd);
  const { err } = output(cmd);
  const lines = !c.json && (progress || process.stderr.isTTY === true);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let status = first;
  for (let delay = 250; ; delay = Math.min(2000, Math.round(delay * 1.5))) {
    const line = statusLine(status);
    if (line !== last && lines) err(`${line}\n`);
    last = line;
    if (finished(status)) return status;
    if (Date.now() + delay > deadline) {
      throw new ChassisError(
        'CHASSIS_E_CLI_WAIT_TIMEOUT',
        `Stopped following ${status.action} ${status.id} of ${status.driverId} after ${timeoutMs} ms (${status.state}); it goes on on the server: chassis upgrades show ${status.id} --wait`,
        { details: { id: status.id, state: status.state, timeoutMs } },
      );
    }
    await sleep(delay);
    try {
      status = await call<UpgradeStatus>(c, 'GET', `/api/upgrades/${enc(status.id)}`);
    } catch (e) {
      if (!ChassisError.is(e, 'CHASSIS_E_CLI_UNREACHABLE')) throw e;
    }
  }
}

/**
 * Prints how a followed action ended: its record (`--json`: the record as the synchronous
 * call returned it), or throws its typed error, so exit codes stay those of the synchronous call.
 */
export function printOutcome(cmd: Command, s: UpgradeStatus): void {
  if (s.state !== 'succeeded' && s.error)
    throw Object.assign(ChassisError.fromJSON(s.error), s.record ? { record: s.record } : {});
  const record = s.record as RecordRow | undefined;
  print(cmd, record ?? s, () => (record ? recordLine(record) : statusLine(s)));
}

/**
 * Sends an upgrade or rollback with `Prefer: respond-async` and, unless `--no-wait`, follows it
 * to its end. A server that answers synchronously (200, an older one) is printed as before.
 */
export async function applyAccepted(
  cmd: Command,
  path: string,
  body: unknown,
  opts: FollowOpts,
): Promise<void> {
  const res = await send(conn(cmd), 'POST', path, body, {
    headers: { prefer: 'respond-async' },
  });
  const answer = (await res.json()) as UpgradeStatus | RecordRow;
  if (res.status !== 202) {
    const record = answer as RecordRow;
    print(cmd, record, () => recordLine(record));
    return;
  }
  const status = answer as UpgradeStatus;
  if (!opts.wait) {
    // stdout keeps only the id (for scripts); how to follow it goes to stderr.
    print(cmd, status, () => status.id);
    if (!conn(cmd).json)
      output(cmd).err(`accepted: follow with chassis upgrades show ${status.id} --wait\n`);
    return;
  }
  printOutcome(cmd, await followUpgrade(cmd, status, opts.waitTimeout, opts.progress));
}
