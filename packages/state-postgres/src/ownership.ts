import { ChassisError } from '@chassis/kernel';
import { assignResources } from './assignment.js';
import type { Lease, LeaseManager } from './leases.js';
import type { Member, Membership } from './membership.js';

/** Options of {@link OwnershipAgent}. */
export interface OwnershipOptions {
  /** Every resource of the cluster (hosts, storage pools…). */
  readonly resources: () => readonly string[];
  /** Lease TTL (default: the membership TTL). */
  readonly leaseTtlMs?: number;
  /** Reconciliation period (default lease TTL / 3). */
  readonly tickMs?: number;
  /**
   * The live members that may own `resource` (e.g. those that run its driver); absent or empty:
   * every live member. Called once per resource and tick, with the members just read.
   */
  readonly eligible?: (resource: string, alive: readonly Member[]) => readonly string[];
  /** Called when this member gains or loses a resource. */
  readonly onChange?: (resource: string, lease: Lease | undefined) => void;
}

/**
 * Keeps this member's leases in line with the rendezvous assignment over the live members:
 * takes (or steals, once expired) what it is assigned, renews what it holds, and hands back
 * what a newly joined member now wins. A member that dies stops renewing; its leases expire
 * and the survivors take them within lease TTL + one tick.
 */
export class OwnershipAgent {
  readonly #membership: Membership;
  readonly #leases: LeaseManager;
  readonly #o: OwnershipOptions;
  readonly #ttl: number;
  readonly #held = new Map<string, Lease>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  lastError: unknown;

  constructor(membership: Membership, leases: LeaseManager, options: OwnershipOptions) {
    this.#membership = membership;
    this.#leases = leases;
    this.#o = options;
    this.#ttl = options.leaseTtlMs ?? membership.ttlMs;
  }

  /** The leases this member holds now. */
  owned(): ReadonlyMap<string, Lease> {
    return this.#held;
  }

  /** Runs one reconciliation now and then periodically. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer ??= setInterval(
      () => {
        this.tick().catch((err: unknown) => {
          this.lastError = err;
        });
      },
      this.#o.tickMs ?? Math.max(50, Math.floor(this.#ttl / 3)),
    );
    this.#timer.unref();
  }

  /** Stops reconciling (leases then expire: this is what a crash looks like). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One reconciliation; overlapping calls share the running one. */
  tick(): Promise<void> {
    this.#running ??= this.#tick().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #tick(): Promise<void> {
    const me = this.#membership.id;
    const members = (await this.#membership.members()).filter((m) => m.alive);
    if (!members.some((m) => m.id === me)) {
      const now = new Date().toISOString();
      const meta = { ...this.#membership.meta };
      members.push({ id: me, meta, startedAt: now, lastHeartbeat: now, alive: true });
    }
    const alive = members.map((m) => m.id);
    const eligible = this.#o.eligible;
    const plan = assignResources(
      this.#o.resources(),
      alive,
      eligible ? (r) => eligible(r, members) : undefined,
    );
    for (const [resource, owner] of plan) {
      const held = this.#held.get(resource);
      if (owner !== me) {
        if (held) {
          this.#held.delete(resource);
          await this.#leases.release(held);
          this.#o.onChange?.(resource, undefined);
        }
        continue;
      }
      if (held) {
        try {
          this.#held.set(resource, await this.#leases.renew(held, this.#ttl));
        } catch (err) {
          if (!ChassisError.is(err, 'CHASSIS_E_CLUSTER_FENCED')) throw err;
          this.#held.delete(resource);
          this.#o.onChange?.(resource, undefined);
        }
        continue;
      }
      const lease = await this.#leases.tryAcquire(resource, me, this.#ttl);
      if (lease) {
        this.#held.set(resource, lease);
        this.#o.onChange?.(resource, lease);
      }
    }
  }
}
