import { ChassisError } from '@chassis/kernel';
import type { Principal } from '@chassis/runtime';

/** Every action of the admin surface; `*.read` actions never change anything. */
export type AdminAction =
  | 'system.read'
  | 'drivers.read'
  | 'resources.read'
  | 'metrics.read'
  | 'updates.read'
  | 'upgrades.read'
  | 'events.read'
  | 'audit.read'
  | 'catalog.read'
  | 'drivers.install'
  | 'drivers.upgrade'
  | 'drivers.rollback'
  | 'drivers.uninstall'
  | 'drivers.restart'
  | 'resources.create'
  | 'resources.configure'
  | 'resources.delete'
  | 'resources.pin'
  | 'resources.test'
  | 'updates.check';

/** What an action is about. Driver operations through facades use `kind: 'operation'`. */
export interface AdminTarget {
  readonly kind: 'system' | 'driver' | 'resource' | 'operation';
  readonly id?: string;
}

/**
 * Decides whether `principal` may perform `action` on `target`. Pluggable: pass your own to
 * `createAdminServer({ authorize })` (e.g. backed by an IAM service). Thrown errors deny.
 */
export type AuthorizeFn = (
  principal: Principal,
  action: AdminAction | (string & {}),
  target: AdminTarget,
) => boolean | Promise<boolean>;

const OPERATOR_ACTIONS: ReadonlySet<string> = new Set([
  'drivers.upgrade',
  'drivers.rollback',
  'drivers.restart',
  'resources.configure',
  'resources.pin',
  'resources.test',
  'updates.check',
]);

/** True for reads every role may do (`audit.read` is for admins only). */
export function isReadAction(action: string): boolean {
  return action.endsWith('.read') && action !== 'audit.read';
}

/**
 * The default role-based policy: `admin` may do everything, `operator` may read, configure,
 * test and pin resources, restart, upgrade and roll back, `viewer` may only read. Facade operations
 * (`operation:<name>`) need `operator` or `admin`.
 */
export const roleBasedAuthorize: AuthorizeFn = (principal, action) => {
  const roles = new Set(principal.roles);
  if (roles.has('admin')) return true;
  const operator = roles.has('operator');
  if (isReadAction(action)) return operator || roles.has('viewer');
  if (action.startsWith('operation:')) return operator;
  return operator && OPERATOR_ACTIONS.has(action);
};

/** One audited decision. */
export interface AuditEntry {
  readonly at: string;
  readonly principal: string;
  readonly roles: readonly string[];
  readonly action: string;
  readonly target: AdminTarget;
  readonly allowed: boolean;
  /** Why it was denied, when the hook threw. */
  readonly reason?: string;
}

/** A bounded in-memory audit trail (newest last). */
export class AuditLog {
  readonly #entries: AuditEntry[] = [];
  constructor(private readonly capacity = 1000) {}

  /** Appends an entry, dropping the oldest beyond capacity. */
  record(entry: AuditEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.shift();
  }

  /** A copy of the entries, oldest first. */
  list(): AuditEntry[] {
    return [...this.#entries];
  }
}

/** Asks `authorize`; a throwing hook counts as a denial (fail closed). */
export async function decide(
  authorize: AuthorizeFn,
  principal: Principal,
  action: string,
  target: AdminTarget,
): Promise<{ allowed: boolean; reason?: string }> {
  try {
    return { allowed: (await authorize(principal, action, target)) === true };
  } catch (err) {
    return { allowed: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The `CHASSIS_E_AUTH_DENIED` error for a denied action. */
export function deniedError(
  principal: Principal,
  action: string,
  target: AdminTarget,
): ChassisError {
  const on = target.id ? ` on ${target.kind} ${target.id}` : '';
  return new ChassisError(
    'CHASSIS_E_AUTH_DENIED',
    `Principal ${principal.id} may not ${action}${on}; ask an administrator for a role that allows it.`,
    { details: { principal: principal.id, action, target } },
  );
}

/** Options of {@link authorizeOperations}. */
export interface AuthorizeOperationsOptions {
  readonly principal: Principal;
  readonly authorize?: AuthorizeFn;
  readonly audit?: AuditLog;
}

/**
 * Wraps an object of async operations (e.g. a facade) so that every method call is first
 * authorised as `operation:<method>` with the same hook as the admin API. A denial is audited
 * and rejects with `CHASSIS_E_AUTH_DENIED` without calling the method.
 */
export function authorizeOperations<T extends object>(
  target: T,
  options: AuthorizeOperationsOptions,
): T {
  const authorize = options.authorize ?? roleBasedAuthorize;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return async (...args: unknown[]) => {
        const action = `operation:${prop}`;
        const first = args.find((a) => typeof a === 'string') as string | undefined;
        // The target is named by the call's first string argument (a resource id, usually).
        const tgt: AdminTarget = { kind: 'operation', ...(first ? { id: first } : {}) };
        const { allowed, reason } = await decide(authorize, options.principal, action, tgt);
        if (!allowed) {
          options.audit?.record({
            at: new Date().toISOString(),
            principal: options.principal.id,
            roles: options.principal.roles,
            action,
            target: tgt,
            allowed: false,
            ...(reason ? { reason } : {}),
          });
          throw deniedError(options.principal, action, tgt);
        }
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}
