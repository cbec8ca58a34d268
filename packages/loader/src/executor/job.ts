import { Cancellation } from './cancellation.js';

/** Turns a rejection into what the caller of `Executor.run` sees. */
export type ErrorMapper = (err: unknown) => unknown;

/**
 * One submitted call of an executor. A class, not an object literal, so that every job has the
 * same shape, and with its own links for the {@link DeadlineList}: a call costs the executor
 * one object and no hash-table insert and delete.
 */
export class Job {
  resolve: (v: unknown) => void = noop;
  reject: (e: unknown) => void = noop;
  readonly cancel = new Cancellation();
  settled = false;
  running = false;
  deadline = Number.POSITIVE_INFINITY;
  timeoutMs = 0;
  cleanup: (() => void) | undefined = undefined;
  /** Links of the deadline list (undefined when not listed or at an end). */
  prev: Job | undefined = undefined;
  next: Job | undefined = undefined;
  listed = false;

  constructor(
    readonly task: (cancel: Cancellation) => Promise<unknown>,
    readonly mapError: ErrorMapper | undefined,
    readonly startedAt: number,
  ) {}
}

function noop(): void {}

/**
 * The jobs that have a deadline, in submission order: an intrusive doubly linked list, so
 * adding and removing a job is O(1) and allocates nothing. The executor's one timer walks it
 * when it fires, which is rare (most calls finish long before their deadline).
 */
export class DeadlineList {
  private head: Job | undefined;
  private tail: Job | undefined;

  add(job: Job): void {
    if (job.listed) return;
    job.listed = true;
    job.prev = this.tail;
    job.next = undefined;
    if (this.tail) this.tail.next = job;
    else this.head = job;
    this.tail = job;
  }

  remove(job: Job): void {
    if (!job.listed) return;
    job.listed = false;
    if (job.prev) job.prev.next = job.next;
    else this.head = job.next;
    if (job.next) job.next.prev = job.prev;
    else this.tail = job.prev;
    job.prev = undefined;
    job.next = undefined;
  }

  /**
   * Splits the list at `now`: the jobs whose deadline has passed (a copy, so that settling them
   * may change the list) and the earliest deadline still ahead (`Infinity` when none).
   */
  due(now: number): { readonly expired: Job[]; readonly next: number } {
    const expired: Job[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (let job = this.head; job; job = job.next) {
      if (job.deadline <= now) expired.push(job);
      else if (job.deadline < next) next = job.deadline;
    }
    return { expired, next };
  }
}
