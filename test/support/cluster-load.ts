import { setTimeout as sleep } from 'node:timers/promises';
import type { MemberProcess } from './cluster-servers.js';
import type { JournalEntry } from './journal-driver.js';

/** What the caller of one operation saw. */
export interface Sent {
  readonly resource: string;
  readonly tag: string;
  /** The member the operation was sent to. */
  readonly via: string;
  /** The driver answered (`POST /api/resources/:id/test` with `ok: true`). */
  readonly ok: boolean;
  /** The answer's entry (version and process that ran it) when `ok`. */
  readonly ran?: { readonly version: string; readonly pid: number };
  /** The typed error code of a refused operation, or `transport` when no answer came. */
  readonly code?: string;
  /** The error says a retry is safe: nothing ran. */
  readonly retryable?: boolean;
  /** The error says the owner may have run it (a forward lost after it was sent). */
  readonly ambiguous?: boolean;
}

interface TestAnswer {
  ok: boolean;
  result?: { version: string; pid: number };
  error?: { code?: string; details?: { retryable?: boolean; ambiguous?: boolean } };
}

/** Sends one `stats(tag)` to `resource` through `member`'s admin API, as any client would. */
export async function sendOperation(
  member: MemberProcess,
  resource: string,
  tag: string,
): Promise<Sent> {
  const base = { resource, tag, via: member.name };
  let res: Response;
  try {
    res = await fetch(`${member.url}/api/resources/${encodeURIComponent(resource)}/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'stats', args: [tag] }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    // The member is gone (killed) or did not answer: the operation may or may not have run.
    return { ...base, ok: false, code: 'transport' };
  }
  const body = (await res.json().catch(() => ({}))) as TestAnswer & { code?: string };
  if (res.ok && body.ok && body.result)
    return { ...base, ok: true, ran: { version: body.result.version, pid: body.result.pid } };
  const details = body.error?.details ?? {};
  return {
    ...base,
    ok: false,
    code: body.error?.code ?? body.code ?? `http-${res.status}`,
    ...(details.retryable === true ? { retryable: true } : {}),
    ...(details.ambiguous === true ? { ambiguous: true } : {}),
  };
}

/**
 * Operations on every resource while something else happens: one loop per resource sends
 * `stats(<resource>#<n>)` one after the other (the next once the previous answered), each to
 * the next of the `targets()` members in turn, so every member takes calls on every resource,
 * the ones it owns and the ones it forwards. Bounded: stops after `maxPerResource` operations.
 */
export class Load {
  readonly sent: Sent[] = [];
  #running = true;
  readonly #loops: Promise<void>[];

  constructor(
    /** Prefix of this load's tags (`<phase>/<resource>#<n>`), to tell its runs in the journal. */
    readonly phase: string,
    resources: readonly string[],
    targets: () => readonly MemberProcess[],
    maxPerResource = 2000,
  ) {
    this.#loops = resources.map(async (resource, r) => {
      for (let n = 0; this.#running && n < maxPerResource; n++) {
        const members = targets();
        const member = members[(n + r) % members.length] as MemberProcess;
        this.sent.push(await sendOperation(member, resource, `${phase}/${resource}#${n}`));
        // A little room for the members between calls: load, not a busy loop.
        await sleep(5);
      }
    });
  }

  /** Stops sending and resolves when every loop's last operation answered. */
  async stop(): Promise<Sent[]> {
    this.#running = false;
    await Promise.all(this.#loops);
    return this.sent;
  }
}

/** A tag's sequence number (`pool-3#17` → 17). */
const seq = (tag: string) => Number(tag.slice(tag.lastIndexOf('#') + 1));

/** What {@link journalProblems} found; every list empty is a clean run. */
export interface JournalProblems {
  /** Tags that ran more than once. */
  readonly twice: string[];
  /** Tags answered `ok` that never ran. */
  readonly lost: string[];
  /** Tags whose answer names another version or process than the run. */
  readonly mismatched: string[];
  /** Runs out of the order they were sent, or on a version off the resource's path. */
  readonly reordered: string[];
  /** Runs on a process a resource had already left (a stale owner still serving). */
  readonly stale: string[];
  /** Tags whose caller was told a retry is safe (nothing ran), yet ran. */
  readonly ranAfterRetryable: string[];
}

/**
 * What the journal (in file order: the order the runs happened) says against what the callers
 * of `load` saw: every answered operation ran exactly once, on the version and process its
 * answer names; nothing ran twice; per resource the runs are in the order they were sent, the
 * versions follow `path` (the versions the resource was bound to, in order; staying on one
 * counts) and a process the resource left never runs it again.
 */
export function journalProblems(
  load: Pick<Load, 'phase' | 'sent'>,
  all: readonly JournalEntry[],
  path: readonly string[],
): JournalProblems {
  const { sent } = load;
  const journal = all.filter((e) => e.tag.startsWith(`${load.phase}/`));
  const runs = new Map<string, JournalEntry[]>();
  for (const e of journal) runs.set(e.tag, [...(runs.get(e.tag) ?? []), e]);
  const twice = [...runs].filter(([, r]) => r.length > 1).map(([tag]) => tag);
  const lost: string[] = [];
  const mismatched: string[] = [];
  const ranAfterRetryable = sent
    .filter((s) => !s.ok && s.retryable && runs.has(s.tag))
    .map((s) => `${s.tag}: ${s.code}`);
  for (const s of sent) {
    if (!s.ok) continue;
    const r = runs.get(s.tag);
    if (!r) lost.push(s.tag);
    else if (r[0]?.version !== s.ran?.version || r[0]?.pid !== s.ran?.pid)
      mismatched.push(`${s.tag}: answered ${JSON.stringify(s.ran)}, journal ${JSON.stringify(r)}`);
  }
  const reordered: string[] = [];
  const stale: string[] = [];
  const last = new Map<string, { n: number; at: number; pids: number[] }>();
  for (const e of journal) {
    const n = seq(e.tag);
    const prev = last.get(e.resource) ?? { n: -1, at: 0, pids: [] };
    // The first position at or after the current one naming this version.
    let at = prev.at;
    while (at < path.length && path[at] !== e.version) at++;
    if (at === path.length)
      reordered.push(
        `${e.tag} ran on ${e.version}, off the path ${path.slice(prev.at).join(' → ')}`,
      );
    if (n <= prev.n) reordered.push(`${e.tag} ran after #${prev.n}`);
    const pids = prev.pids.at(-1) === e.pid ? prev.pids : [...prev.pids, e.pid];
    if (pids !== prev.pids && prev.pids.includes(e.pid))
      stale.push(`${e.tag} ran on process ${e.pid} again after ${prev.pids.join(' → ')}`);
    last.set(e.resource, { n: Math.max(n, prev.n), at: at === path.length ? prev.at : at, pids });
  }
  return { twice, lost, mismatched, reordered, stale, ranAfterRetryable };
}
