import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExtensionPoint, DEFAULT_KERNEL_CONFIG, silentLogger } from '@chassis/kernel';
import { createManagementServer, type ManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import type { Forwarder } from '../../types.js';
import { type ChannelServer, startChannelServer } from '../channel-server.js';
import { createForwarder } from '../forwarder.js';

export const ID = 'com.example.forwarded';
export const POINT = 'storage.primary';
export const RESOURCE = 'pool-a';
export const SECRET = 'test-cluster-secret-0123456789-abcdefghij';
export const admin = { id: 'alice', roles: ['admin'] };
const props = { mVip: '10.0.0.1', password: 'hunter2' };

/** What the fixture driver leaves on globalThis (both members run in this test process). */
export interface FixtureGlobals {
  __fwdRelease?: () => void;
  __fwdSlowStarted?: boolean;
  __fwdAborted?: string;
  __fwdSeq?: number[];
}
export const globals = globalThis as FixtureGlobals;

/** The driver: `whoami`, `echo`, `big` (n bytes), `fail`, `hold` (until released), `slow` (until aborted), `seq`. */
export function forwardedDriverSource(version: string): string {
  return `export default {
  provides: {
    ${JSON.stringify(POINT)}: {
      whoami: () => ${JSON.stringify(version)},
      echo: (ctx, ...args) => ({ args, mVip: ctx.properties.mVip, resource: ctx.resource.id, label: ctx.t('fx.mvip.label'), version: ${JSON.stringify(version)} }),
      big: (ctx, n) => 'x'.repeat(n),
      fail: () => { const e = new Error('pool offline'); e.code = 'POOL_OFFLINE'; throw e; },
      hold: () => new Promise((r) => { globalThis.__fwdRelease = () => r('released'); }),
      slow: (ctx) => new Promise((_, reject) => {
        globalThis.__fwdSlowStarted = true;
        ctx.signal.addEventListener('abort', () => {
          globalThis.__fwdAborted = (ctx.signal.reason && ctx.signal.reason.code) || 'aborted';
          reject(ctx.signal.reason);
        });
      }),
      seq: async (ctx, i) => {
        await new Promise((r) => setTimeout(r, (i * 7) % 4));
        (globalThis.__fwdSeq ??= []).push(i);
        return i;
      },
    },
  },
};
`;
}

/**
 * The channel and forwarder the members use: this package's sources by default; the benchmark
 * passes the built ones, so that the forward path runs natively as in production (through
 * Vite's module runner every cross-module access pays for its import bindings).
 */
export interface ForwardImplementation {
  readonly startChannelServer: typeof startChannelServer;
  readonly createForwarder: typeof createForwarder;
}

/** Two management servers, each with its own data directory, running the same driver. */
export interface TwoMembers {
  readonly a: ManagementServer;
  readonly b: ManagementServer;
  /** A's inter-server channel. */
  readonly channel: ChannelServer;
  /** B's forwarder; B's compartment of {@link RESOURCE} is bound to its handle. */
  readonly forwarder: Forwarder;
  readonly root: string;
  close(): Promise<void>;
}

async function server(root: string, name: string, repo: string): Promise<ManagementServer> {
  const s = await createManagementServer({
    dataDir: join(root, name),
    sources: [`file:${repo}`],
    // Trusted, so the fixture runs in-process and the test can release `hold`.
    config: {
      ...DEFAULT_KERNEL_CONFIG,
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID] },
    },
    extensionPoints: [createExtensionPoint(POINT, '1.0.0', { safe: ['whoami'] })],
  });
  await s.start();
  await s.runtime.createResource(
    { id: RESOURCE, kind: 'pool', driverId: ID, properties: props },
    admin,
  );
  return s;
}

/**
 * A owns {@link RESOURCE}; B has the same resource and configuration (as the shared state of a
 * cluster gives it) but its compartment is bound to B's forwarding handle for A, as a
 * non-owner's placement binds it. Versions 1.0.0 (bound) and 1.1.0 are installed on both.
 */
export async function startTwoMembers(
  impl: ForwardImplementation = { startChannelServer, createForwarder },
): Promise<TwoMembers> {
  const root = await mkdtemp(join(tmpdir(), 'chassis-forward-'));
  const repo = join(root, 'repo');
  for (const version of ['1.0.0', '1.1.0'])
    await buildFixtureCar(repo, { id: ID, version, source: forwardedDriverSource(version) });
  const a = await server(root, 'a', repo);
  const b = await server(root, 'b', repo);
  const channel = await impl.startChannelServer({
    resources: a.runtime.resources,
    secret: SECRET,
    logger: silentLogger,
    memberId: 'a',
    configurations: a.runtime.resourceService,
  });
  const forwarder = impl.createForwarder({ secret: SECRET, memberId: 'b' });
  const entry = b.runtime.resources.get(RESOURCE);
  entry.compartment.suspend();
  await entry.compartment.drain();
  entry.compartment.rebind(forwarder.handleFor(RESOURCE, entry.binding, channel.address));
  entry.compartment.resume();
  return {
    a,
    b,
    channel,
    forwarder,
    root,
    close: async () => {
      globals.__fwdRelease?.();
      await forwarder.close();
      await channel.close();
      await b.stop();
      await a.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
