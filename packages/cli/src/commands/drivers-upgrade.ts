import { ChassisError } from '@chassis/kernel/errors';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { call, output, withConnection } from './admin-client.js';
import { confirm } from './confirm.js';
import type { UpgradePlan } from './drivers-rows.js';
import { conn, enc, print } from './drivers-shared.js';
import { renderPlan } from './resources-render.js';
import { applyAccepted, type FollowOpts, withFollow } from './upgrade-follow.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1.');
  return n;
}

function idList(value: string): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError('needs at least one resource id (a,b,…).');
  return ids;
}

interface UpgradeOpts extends FollowOpts {
  version?: string;
  policy: string;
  canaries: number;
  resources?: string[];
  yes?: boolean;
  plan?: boolean;
}

/** The request body shared by the plan and the upgrade. */
function body(opts: UpgradeOpts): Record<string, unknown> {
  return {
    ...(opts.version ? { version: opts.version } : {}),
    policy:
      opts.policy === 'canary'
        ? { kind: 'canary', canaries: opts.canaries }
        : { kind: opts.policy },
    ...(opts.resources ? { resources: opts.resources } : {}),
  };
}

/** Refuses a plan whose checks failed: applying it would fail the same way, after a pause. */
function refuseFailed(plan: UpgradePlan): void {
  if (!plan.contract.ok && plan.contract.error) {
    throw new ChassisError('CHASSIS_E_UPGRADE_CONTRACT_MAJOR', plan.contract.error.message, {
      details: { driver: plan.driverId, from: plan.from, to: plan.to },
    });
  }
  if (!plan.configuration.ok) {
    throw new ChassisError(
      'CHASSIS_E_PROPS_INVALID',
      `The configuration of ${plan.configuration.invalid.map((f) => f.resource).join(', ')} is not valid for ${plan.driverId}@${plan.to}; change it (chassis resources update) so it is valid for both versions, then upgrade`,
      {
        details: { driver: plan.driverId, version: plan.to, resources: plan.configuration.invalid },
      },
    );
  }
}

/**
 * Registers `drivers upgrade`: shows the plan (from → to, batches, checks), asks for
 * confirmation on a terminal (`--yes` skips it; without a terminal `--yes` is required), then
 * applies it one resource at a time unless `--policy` says otherwise. The server accepts it at
 * once and the command follows it by id (`--no-wait`: prints the id and stops).
 */
export function registerUpgradeCommand(drivers: Command): void {
  const upgrade = withConnection(
    drivers.command('upgrade <id>').description('Show the upgrade plan, confirm, then upgrade'),
  )
    .option('--version <version>', 'target version (default: newest installed)')
    .addOption(
      new Option('--policy <policy>', 'rollout policy')
        .choices(['one-at-a-time', 'all-at-once', 'canary'])
        .default('one-at-a-time'),
    )
    .option('--canaries <n>', 'resources moved first with --policy canary', positiveInt, 1)
    .option(
      '--resources <ids>',
      'move only these resources (a,b); the active version stays',
      idList,
    )
    .option('--plan', 'show the plan and stop (changes nothing)')
    .option('-y, --yes', 'apply without asking');
  withFollow(upgrade, 'upgrade').action(async (id: string, opts: UpgradeOpts, cmd: Command) => {
    const c = conn(cmd);
    const request = body(opts);
    let plan: UpgradePlan | undefined;
    try {
      plan = await call<UpgradePlan>(c, 'POST', `/api/drivers/${enc(id)}/upgrade-plan`, request);
    } catch (err) {
      // A version only the repository has cannot be planned before it is fetched: say so
      // and let the server fetch, check and apply it.
      if (!ChassisError.is(err, 'CHASSIS_E_UPGRADE_NOT_INSTALLED') || opts.plan) throw err;
    }
    if (opts.plan) {
      print(cmd, plan, () => renderPlan(plan!));
      return;
    }
    const { out, err } = output(cmd);
    // Shown to the person who must confirm; with --yes (scripts) stdout keeps only the
    // record, and `--plan` shows the plan on its own.
    if (!opts.yes) {
      out(
        plan
          ? `${renderPlan(plan)}\n\n`
          : `${id}: the target is not installed yet; the server fetches it from the repository and checks it before anything moves.\n`,
      );
    }
    if (plan) refuseFailed(plan);
    if (!(await confirm(`Apply this upgrade of ${id}?`, opts.yes))) {
      err('not applied\n');
      return;
    }
    // Accepted at once and followed by its id: a long rollout holds no HTTP request.
    await applyAccepted(cmd, `/api/drivers/${enc(id)}/upgrade`, request, opts);
  });
}
