import {
  ChassisError,
  type LifecycleEvent,
  type PropertyViolation,
  serializeError,
} from '@chassis/kernel';
import type { ManagementRuntime } from '@chassis/runtime';
import { formatConfiguration, formatViolation, heading } from './format.js';
import { BAD_POOL_CHANGE, DEMO_RESOURCES } from './resources.js';
import { runScenario, type ScenarioResult } from './scenario.js';
import { DEMO_PRINCIPAL, type ExampleServerOptions, startExampleServer } from './server.js';

/** Options of {@link runDemo}: those of the server; the demo always starts from a fresh data dir. */
export type DemoOptions = Omit<ExampleServerOptions, 'fresh'>;

/** What one demo run did, for tests and the exit code. */
export interface DemoResult {
  /** Driver ids in the order they reached `Running`. */
  readonly startOrder: readonly string[];
  /** Driver ids in the order they reached `Stopped`. */
  readonly stopOrder: readonly string[];
  /** Every lifecycle transition, in order. */
  readonly transitions: readonly LifecycleEvent[];
  /** The violations the bad configuration change was refused with (empty if it was accepted). */
  readonly refused: readonly PropertyViolation[];
  /** Whether the refused change left the old configuration in force. */
  readonly oldConfigurationKept: boolean;
  /** The scenario's results; absent when it failed. */
  readonly scenario?: ScenarioResult;
  /** `what: CODE message` of everything that went wrong (empty on success). */
  readonly errors: readonly string[];
}

/**
 * Creates the demo resources that do not exist yet and prints their (masked) configuration.
 * With `installedOnly`, resources of drivers that are not installed are skipped (a server fed
 * from a repository starts with none).
 */
export async function createDemoResources(
  runtime: ManagementRuntime,
  print: (line: string) => void,
  options: { readonly installedOnly?: boolean } = {},
): Promise<void> {
  const existing = new Set(runtime.listResources().map((r) => r.resource.id));
  const drivers = new Set(runtime.listDrivers().map((d) => d.id));
  for (const r of DEMO_RESOURCES) {
    if (options.installedOnly && !drivers.has(r.driverId)) {
      print(`  ${r.id.padEnd(7)} ${r.kind.padEnd(21)} skipped: ${r.driverId} is not installed`);
      continue;
    }
    const info = existing.has(r.id)
      ? runtime.getResource(r.id)
      : await runtime.createResource(r, DEMO_PRINCIPAL);
    print(
      `  ${r.id.padEnd(7)} ${r.kind.padEnd(21)} → ${info.binding.driverId}@${info.binding.version}  ${formatConfiguration(info.configuration)}`,
    );
  }
}

/** Tries {@link BAD_POOL_CHANGE} on `pool-1` and prints every violation it is refused with. */
export async function showRefusedChange(
  runtime: ManagementRuntime,
  print: (line: string) => void,
): Promise<{ refused: PropertyViolation[]; kept: boolean }> {
  const before = runtime.getResource('pool-1').configuration;
  const vip = String(BAD_POOL_CHANGE.mVip);
  print(
    `  configure pool-1 { mVip: <${vip.length} characters>, mPort: "443", clusterAdminUsername: null }`,
  );
  let refused: PropertyViolation[] = [];
  try {
    await runtime.configure('pool-1', BAD_POOL_CHANGE, DEMO_PRINCIPAL);
    print('  ! the change was accepted');
  } catch (err) {
    if (!ChassisError.is(err) || err.code !== 'CHASSIS_E_PROPS_INVALID') throw err;
    refused = (err.details.violations as PropertyViolation[] | undefined) ?? [];
    print(`  refused: ${err.code}, ${refused.length} violations`);
    for (const v of refused) print(formatViolation(v));
  }
  const after = runtime.getResource('pool-1').configuration;
  const kept = JSON.stringify(after) === JSON.stringify(before);
  print(
    `  pool-1 keeps its configuration: ${kept ? `yes (mVip=${String(after.mVip)}, mPort=${String(after.mPort)})` : 'NO'}`,
  );
  return { refused, kept };
}

function reached(events: readonly LifecycleEvent[], state: LifecycleEvent['to']): string[] {
  return events.filter((e) => e.to === state).map((e) => e.driver);
}

/**
 * Runs the example end to end: starts the server on a fresh data directory, installs the
 * example CARs in category order, creates one resource per driver, shows a bad configuration
 * refused with every violation, runs the scripted scenario through the typed facades, then
 * stops every driver in reverse order. Lines go to `options.print`.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const errors: string[] = [];
  const fail = (what: string, err: unknown) => {
    const e = serializeError(err);
    errors.push(`${what}: ${e.code} ${e.message}`);
    print(`  ✗ ${what} failed: ${e.code} ${e.message}`);
  };
  print('Chassis example management server: three vendor drivers loaded from CARs');
  const ex = await startExampleServer({ ...options, fresh: true });
  let refused: PropertyViolation[] = [];
  let kept = false;
  let scenario: ScenarioResult | undefined;
  for (const r of ex.refused)
    errors.push(`repository ${r.file}: ${r.error.code} ${r.error.message}`);
  try {
    const running = ex.runtime
      .listDrivers()
      .filter((d) => d.versions.some((v) => v.active && v.state === 'Running'));
    if (running.length !== ex.installed.length || running.length === 0)
      errors.push(`only ${running.length} of ${ex.installed.length} drivers are running`);

    print(heading('Resources (one per driver; secrets are stored encrypted and shown masked)'));
    await createDemoResources(ex.runtime, print);

    print(heading('A bad configuration is validated before it is applied'));
    ({ refused, kept } = await showRefusedChange(ex.runtime, print));

    print(heading('Scenario through the typed facades'));
    try {
      scenario = await runScenario(
        ex.runtime.router,
        { network: 'nvp-1', pool: 'pool-1', cluster: 'kvm-1' },
        print,
      );
    } catch (err) {
      fail('scenario', err);
    }
  } catch (err) {
    fail('setup', err);
  } finally {
    print(heading('Stop (exact reverse of the start order)'));
    await ex.stop();
    await ex.lockWritten();
  }
  const result: DemoResult = {
    startOrder: reached(ex.transitions, 'Running'),
    stopOrder: reached(ex.transitions, 'Stopped'),
    transitions: ex.transitions,
    refused,
    oldConfigurationKept: kept,
    ...(scenario ? { scenario } : {}),
    errors,
  };
  print(
    heading(errors.length === 0 ? 'Demo finished' : `Demo finished with ${errors.length} error(s)`),
  );
  print(`  started ${result.startOrder.join(' → ')}`);
  print(`  stopped ${result.stopOrder.join(' → ')}`);
  return result;
}
