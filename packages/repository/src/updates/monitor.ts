import { type ChassisError, toChassisError } from '@chassis/kernel';
import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import { distinctUntilChanged } from 'rxjs/operators';
import type { DriverEntry } from '../tuf/entry.js';
import {
  findUpdates,
  type HostCompatibility,
  type InstalledDriver,
  type UpdateNotice,
} from './find-updates.js';

/** The part of `RepositoryClient` the monitor needs (a stub in tests). */
export interface UpdateSource {
  refresh(): Promise<readonly DriverEntry[]>;
}

/** Options of {@link UpdateMonitor}. */
export interface UpdateMonitorOptions extends HostCompatibility {
  readonly client: UpdateSource;
  /** Drivers installed right now (asked at every check). */
  readonly installed: () => readonly InstalledDriver[] | Promise<readonly InstalledDriver[]>;
  /** Period between background checks; 0 or absent = only on demand. */
  readonly intervalMs?: number;
}

function fingerprint(list: readonly UpdateNotice[]): string {
  return list
    .map((n) => `${n.id}@${n.installed}>${n.available.map((a) => a.version).join(',')}`)
    .join(';');
}

/**
 * Watches a repository for newer compatible versions of installed drivers. Every check
 * refreshes verified TUF metadata; `updates$` emits the current list whenever it changes
 * (late subscribers get the latest), `errors$` emits refused refreshes (the last good list
 * stays in place).
 */
export class UpdateMonitor {
  private readonly subject = new BehaviorSubject<readonly UpdateNotice[]>([]);
  private readonly errorSubject = new Subject<ChassisError>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private running: Promise<readonly UpdateNotice[]> | undefined;

  /** Pending updates, re-emitted when they change. */
  readonly updates$: Observable<readonly UpdateNotice[]>;
  /** Failed checks (typed codes, e.g. `CHASSIS_E_REPO_FREEZE`). */
  readonly errors$: Observable<ChassisError> = this.errorSubject.asObservable();

  constructor(private readonly options: UpdateMonitorOptions) {
    this.updates$ = this.subject.pipe(
      distinctUntilChanged((a, b) => fingerprint(a) === fingerprint(b)),
    );
  }

  /** Checks now and then every `intervalMs` (if set). Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const tick = () => void this.check().catch(() => undefined);
    tick();
    if (this.options.intervalMs) {
      this.timer = setInterval(tick, this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops periodic checks. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.started = false;
  }

  /** Disposes the monitor: stops it and completes `updates$` and `errors$`. */
  dispose(): void {
    this.stop();
    this.subject.complete();
    this.errorSubject.complete();
  }

  /** The last computed list (empty before the first successful check). */
  pendingUpdates(): readonly UpdateNotice[] {
    return this.subject.value;
  }

  /** Checks now (concurrent calls share one refresh). Rejects with a typed error if refused. */
  check(): Promise<readonly UpdateNotice[]> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<readonly UpdateNotice[]> {
    try {
      const entries = await this.options.client.refresh();
      const installed = await this.options.installed();
      const list = findUpdates(installed, entries, this.options);
      this.subject.next(list);
      return list;
    } catch (err) {
      const e = toChassisError(err, 'CHASSIS_E_REPO_TRANSPORT', 'Update check failed');
      this.errorSubject.next(e);
      throw e;
    }
  }
}
