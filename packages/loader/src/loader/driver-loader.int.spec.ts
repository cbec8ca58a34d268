import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  ChassisError,
  callDeadline,
  createExtensionPoint,
  type IsolationTier,
  implementationToken,
  KernelTokens,
} from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { ECHO_DRIVER, tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { LoaderTokens } from '../tokens.js';
import { DriverLoader, type LoadedDriver } from './driver-loader.js';

const require = createRequire(import.meta.url);
const LODASH_V3 = dirname(require.resolve('lodash-v3/package.json'));
const LODASH_V4 = dirname(require.resolve('lodash-v4/package.json'));

const LODASH_DRIVER = `
import _ from 'lodash';
export default {
  provides: { 'test.echo': { version() { return _.VERSION; }, chunk(ctx, xs) { return _.chunk(xs, 2); } } },
};
`;

const ctx = {
  properties: { mVip: '10.0.0.1', mPort: 443 },
  resource: { id: 'pool-1', kind: 'primary-storage-pool', category: 'storage', driverId: 'x' },
  locale: 'de',
};

const PRIVATE_SERVICE = Symbol.for('test.kernel.private');
const clock = { now: () => new Date(0) };

describe.each<IsolationTier>(['in-process', 'worker', 'process'])(
  'DriverLoader (%s tier)',
  (tier) => {
    let root: { dir: string; cleanup: () => Promise<void> };
    const logger = captureLogger();
    const kernel = new Container();
    kernel.bind(KernelTokens.Clock).toConstantValue(clock as never);
    kernel.bind(PRIVATE_SERVICE).toConstantValue('not for drivers');
    const loader = new DriverLoader({
      kernelContainer: kernel,
      logger,
      defaultTier: tier,
    });
    const loaded: LoadedDriver[] = [];

    beforeAll(async () => {
      root = await tempRoot();
    });
    afterAll(async () => {
      await Promise.all(loaded.map((l) => l.handle.dispose()));
      await root.cleanup();
    });

    async function load(id: string, code: string, extra = {}): Promise<LoadedDriver> {
      const dir = await writeDriver(root.dir, { id, code, ...extra });
      const l = await loader.loadDirectory(dir);
      loaded.push(l);
      return l;
    }

    it('answers 300 calls issued in one turn, each its own, with one that cannot be cloned failing alone', async () => {
      // In the worker and process tiers these cross as batch frames (at most 256 messages
      // each), both ways; the result that cannot be cloned fails its call only.
      const l = await load(
        'com.example.many',
        `export default { provides: { 'test.echo': {
        echo(ctx, v) { return () => v; },
        same(ctx, v) { return v; },
      } } };`,
      );
      const calls = Array.from({ length: 300 }, (_, i) =>
        l.handle.invoke('test.echo', i === 150 ? 'echo' : 'same', ctx, [i === 150 ? 'fn' : i]),
      );
      const settled = await Promise.allSettled(calls);
      const values = settled.map((r) =>
        r.status === 'fulfilled' ? r.value : ChassisError.is(r.reason) ? r.reason.code : r.reason,
      );
      // In-process values are passed by reference: a function is a function there.
      if (tier === 'in-process') expect(typeof values[150]).toBe('function');
      else expect(values[150]).toBe('CHASSIS_E_DRIVER_OPERATION_FAILED');
      expect(values.filter((_, i) => i !== 150)).toEqual(
        Array.from({ length: 300 }, (_, i) => i).filter((i) => i !== 150),
      );
    });

    it('runs operations with a rebuilt context: frozen properties, resource, signal, t, logger', async () => {
      const l = await load('com.example.echo', ECHO_DRIVER, {
        messages: { en: { hello: 'Hello {name}' }, de: { hello: 'Hallo {name}' } },
      });
      expect(l.handle.tier).toBe(tier);
      await l.handle.start();
      const when = new Date('2030-01-02T03:04:05Z');
      expect(await l.handle.invoke('test.echo', 'echo', ctx, [{ when, n: [1, 2] }])).toEqual({
        when,
        n: [1, 2],
      });
      const seen = (await l.handle.invoke('test.echo', 'context', ctx, [])) as Record<
        string,
        unknown
      >;
      expect(seen).toEqual({
        properties: ctx.properties,
        frozen: true,
        resource: ctx.resource,
        aborted: false,
        label: 'Hallo Ada',
        missing: 'no.such.key',
        driver: { id: 'com.example.echo', version: '1.0.0' },
      });
      expect(await l.handle.health()).toEqual({ healthy: true });
      expect(await l.handle.migrate('0.9.0', { a: 1 })).toEqual({ a: 1 });
      const line = logger.lines.find((x) => x.fields.op === 'context');
      expect(line?.bindings).toMatchObject({
        driver: 'com.example.echo',
        version: '1.0.0',
        resource: 'pool-1',
      });
      expect(line?.msg).toBe('context called');
      expect(l.handle.metrics()).toMatchObject({ calls: 5, errors: 0, inFlight: 0 });
    });

    it('translates fr-CA → fr → en like the admin form (one translator in every tier)', async () => {
      const l = await load('com.example.locale', ECHO_DRIVER, {
        messages: { en: { hello: 'Hello {name}' }, fr: { hello: 'Bonjour {name}' } },
      });
      const seen = (name: string) =>
        l.handle.invoke('test.echo', 'context', { ...ctx, locale: name }, []) as Promise<{
          label: string;
        }>;
      expect((await seen('fr-CA')).label).toBe('Bonjour Ada');
      expect((await seen('pt-BR')).label).toBe('Hello Ada');
    });

    it.each([
      ['2.0.0', 'CHASSIS_E_EXT_VERSION_MISMATCH'],
      ['1.4.0', 'loaded'],
    ])('checks provides against a host speaking test.echo %s before spawning', async (v, code) => {
      const strict = new DriverLoader({
        kernelContainer: kernel,
        defaultTier: tier,
        extensionPoints: [createExtensionPoint('test.echo', v)],
      });
      const dir = await writeDriver(root.dir, {
        id: `com.example.range${v[0]}`,
        code: ECHO_DRIVER,
      });
      const got = await strict.loadDirectory(dir).then(
        (l) => {
          loaded.push(l);
          return 'loaded';
        },
        (e: ChassisError) => e.code,
      );
      expect(got).toBe(code);
      // Accepted: its implementation of the point is bound in its own CAR container.
      if (got === 'loaded')
        expect(loaded.at(-1)!.handle.container?.isBound(implementationToken('test.echo'))).toBe(
          true,
        );
    });

    it('reports errors with the same codes in every tier', async () => {
      const l = await load('com.example.errors', ECHO_DRIVER);
      const fail = await l.handle.invoke('test.echo', 'fail', ctx, ['boom']).catch((e) => e);
      expect(ChassisError.is(fail, 'CHASSIS_E_DRIVER_OPERATION_FAILED')).toBe(true);
      expect((fail as ChassisError).cause).toMatchObject({ name: 'TypeError', message: 'boom' });
      const coded = await l.handle.invoke('test.echo', 'failCoded', ctx, []).catch((e) => e);
      expect(ChassisError.is(coded, 'CHASSIS_E_RESOURCE_NOT_FOUND')).toBe(true);
      const none = await l.handle.invoke('test.echo', 'nope', ctx, []).catch((e) => e);
      expect(ChassisError.is(none, 'CHASSIS_E_LOADER_NO_METHOD')).toBe(true);
      const nopoint = await l.handle.invoke('x.y', 'echo', ctx, []).catch((e) => e);
      expect(ChassisError.is(nopoint, 'CHASSIS_E_LOADER_NO_METHOD')).toBe(true);
      expect(l.handle.metrics().errors).toBe(4);
    });

    it('forwards log lines whose fields do not survive structured clone', async () => {
      const l = await load('com.example.odd-logs', ECHO_DRIVER);
      expect(await l.handle.invoke('test.echo', 'logOdd', ctx, [])).toBe('logged');
      const line = logger.lines.find(
        (x) => x.msg === 'odd fields' && x.bindings.driver === 'com.example.odd-logs',
      );
      expect(line?.level).toBe('warn');
      expect(line?.fields.n).toBe(1);
      expect(line?.fields.err).toMatchObject({ message: 'odd' });
    });

    it.skipIf(tier === 'in-process')(
      'a result that does not survive structured clone fails the call, not the environment',
      async () => {
        const l = await load('com.example.not-cloneable', ECHO_DRIVER);
        const err = await l.handle.invoke('test.echo', 'notCloneable', ctx, []).catch((e) => e);
        expect(ChassisError.is(err, 'CHASSIS_E_DRIVER_OPERATION_FAILED')).toBe(true);
        expect(await l.handle.invoke('test.echo', 'echo', ctx, [5])).toBe(5);
      },
    );

    it('times out a call, aborts its signal, and keeps serving', async () => {
      const l = await load('com.example.timeout', ECHO_DRIVER);
      const t = await l.handle
        .invoke('test.echo', 'waitForAbort', ctx, [], callDeadline(50))
        .catch((e) => e);
      expect(ChassisError.is(t, 'CHASSIS_E_EXEC_TIMEOUT')).toBe(true);
      const ac = new AbortController();
      const p = l.handle.invoke('test.echo', 'hang', ctx, [], { signal: ac.signal });
      ac.abort();
      expect(ChassisError.is(await p.catch((e) => e), 'CHASSIS_E_EXEC_ABORTED')).toBe(true);
      expect(await l.handle.invoke('test.echo', 'echo', ctx, [7])).toBe(7);
      expect(l.handle.state).toBe('ready');
    });

    it('gives each CAR a child container: exported kernel services and its own bindings only', async () => {
      const l = await load('com.example.container', ECHO_DRIVER);
      expect(l.container.get(KernelTokens.Clock)).toBe(clock);
      expect(() => l.container.get(PRIVATE_SERVICE)).toThrow(
        expect.objectContaining({ code: 'CHASSIS_E_CONTAINER_NOT_EXPORTED' }),
      );
      expect(l.container.get(LoaderTokens.Handle)).toBe(l.handle);
      expect(l.container.get(LoaderTokens.Descriptor)).toMatchObject({
        id: 'com.example.container',
      });
      expect(kernel.isBound(LoaderTokens.Handle)).toBe(false);
    });

    it('runs lodash 3 and lodash 4 side by side, each from its own lib/', async () => {
      const v3 = await load('com.example.lodash-three', LODASH_DRIVER, {
        lib: { lodash: LODASH_V3 },
      });
      const v4 = await load('com.example.lodash-four', LODASH_DRIVER, {
        lib: { lodash: LODASH_V4 },
      });
      const [a, b] = await Promise.all([
        v3.handle.invoke('test.echo', 'version', ctx, []),
        v4.handle.invoke('test.echo', 'version', ctx, []),
      ]);
      expect(a).toBe('3.10.1');
      expect(b).toBe('4.17.21');
      expect(await v4.handle.invoke('test.echo', 'chunk', ctx, [[1, 2, 3]])).toEqual([[1, 2], [3]]);
    });

    it('refuses an entry that does not export a DriverDefinition', async () => {
      const dir = await writeDriver(root.dir, {
        id: 'com.example.bad-entry',
        code: 'export const x = 1;',
      });
      const err = await loader.loadDirectory(dir).catch((e) => e);
      expect(ChassisError.is(err, 'CHASSIS_E_LOADER_ENTRY_INVALID')).toBe(true);
    });

    it('rejects calls after dispose with CHASSIS_E_LOADER_DISPOSED', async () => {
      const l = await load('com.example.disposed', ECHO_DRIVER);
      await l.handle.dispose();
      await l.handle.dispose();
      const err = await l.handle.invoke('test.echo', 'echo', ctx, [1]).catch((e) => e);
      expect(ChassisError.is(err, 'CHASSIS_E_LOADER_DISPOSED')).toBe(true);
    });
  },
);
