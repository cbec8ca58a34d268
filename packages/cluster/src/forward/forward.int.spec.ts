import { createServer as createHttpServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { ChassisError, silentLogger } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  globals,
  ID,
  POINT,
  RESOURCE,
  SECRET,
  startTwoMembers,
  type TwoMembers,
} from './__fixtures__/two-members.js';
import { startChannelServer } from './channel-server.js';
import { createForwarder } from './forwarder.js';
import { INVOKE_PATH } from './protocol.js';
import { newNonce, SIGNATURE_HEADERS, signRequest } from './signing.js';

/** Polls `check` until it holds (bounded); never a sleep as an assertion. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as ChassisError,
  );

/** A raw POST to a channel, with the headers the test chooses. */
function rawPost(
  url: string,
  body: string,
  headers: Record<string, string>,
  /** Send the body in two chunks without a declared length (chunked transfer). */
  chunked = false,
): Promise<{
  status: number;
  json: {
    ok: boolean;
    result?: unknown;
    error?: { code: string; details: Record<string, unknown> };
  };
}> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${INVOKE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          json: JSON.parse(Buffer.concat(chunks).toString()),
        }),
      );
    });
    if (chunked) {
      req.write(body.slice(0, body.length >> 1));
      req.end(body.slice(body.length >> 1));
    } else req.end(body);
  });
}

function signed(body: string, o: { secret?: string; timestamp?: number; nonce?: string } = {}) {
  const timestamp = o.timestamp ?? Date.now();
  const nonce = o.nonce ?? newNonce();
  return {
    [SIGNATURE_HEADERS.signature]: signRequest(o.secret ?? SECRET, {
      method: 'POST',
      path: INVOKE_PATH,
      timestamp,
      nonce,
      member: 'test',
      body,
    }),
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.member]: 'test',
  };
}

describe('forwarding a facade call to the owner (two real management servers)', () => {
  let m: TwoMembers;
  const callB = (method: string, args: unknown[] = [], o = {}) =>
    m.b.runtime.router.call(RESOURCE, POINT, method, args, o);
  const callA = (method: string, args: unknown[] = [], o = {}) =>
    m.a.runtime.router.call(RESOURCE, POINT, method, args, o);

  beforeAll(async () => {
    m = await startTwoMembers();
  });
  afterAll(async () => {
    await m?.close();
  });

  it('answers a forwarded call with what the local call on the owner answers', async () => {
    const local = await callA('echo', [1, 'two', { three: [3] }]);
    const forwarded = await callB('echo', [1, 'two', { three: [3] }]);
    expect(forwarded).toEqual(local);
    expect(forwarded).toMatchObject({ resource: RESOURCE, mVip: '10.0.0.1', version: '1.0.0' });
  });

  it("rebuilds a driver's error on the caller with the same code and details", async () => {
    const local = await rejection(callA('fail'));
    const forwarded = await rejection(callB('fail'));
    expect(local.code).toBe('CHASSIS_E_DRIVER_OPERATION_FAILED');
    expect(ChassisError.is(forwarded, 'CHASSIS_E_DRIVER_OPERATION_FAILED')).toBe(true);
    expect(forwarded.details).toEqual(local.details);
    expect(forwarded.details).toMatchObject({ errorCode: 'POOL_OFFLINE', resource: RESOURCE });
    expect(forwarded.message).toBe(local.message);
  });

  it("times the call out at the caller's deadline and aborts it on the owner", async () => {
    globals.__fwdAborted = undefined;
    const err = await rejection(callB('slow', [], { timeoutMs: 200 }));
    expect(err.code).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    await until(() => globals.__fwdAborted !== undefined, 'the owner to abort the call');
  });

  it("aborts the owner's call at the forwarded absolute deadline on its own", async () => {
    globals.__fwdAborted = undefined;
    const entry = m.b.runtime.resources.get(RESOURCE);
    // The handle directly, no caller signal: only the owner's deadline timer can stop it.
    const err = await rejection(
      entry.compartment.driver.invoke(
        POINT,
        'slow',
        { resource: { id: RESOURCE } as never, properties: {} },
        [],
        {
          deadline: Date.now() + 150,
        },
      ),
    );
    expect(err.code).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    expect(globals.__fwdAborted).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
  });

  it("aborts the owner's call when the caller cancels (the connection closes)", async () => {
    globals.__fwdAborted = undefined;
    globals.__fwdSlowStarted = false;
    const ac = new AbortController();
    const call = rejection(callB('slow', [], { signal: ac.signal }));
    await until(() => globals.__fwdSlowStarted === true, 'the owner to start the call');
    ac.abort(new Error('caller gave up'));
    expect((await call).message).toBe('caller gave up');
    await until(
      () => globals.__fwdAborted === 'CHASSIS_E_RESOURCE_OP_ABORTED',
      'the owner to abort',
    );
  });

  it('keeps the configuration bag off the wire with omitProperties: the owner uses its own', async () => {
    const lean = createForwarder({ secret: SECRET, memberId: 'b', omitProperties: true });
    const bare = await startChannelServer({
      resources: m.a.runtime.resources,
      secret: SECRET,
      logger: silentLogger,
      memberId: 'a-bare',
    });
    try {
      const binding = { driverId: ID, version: '1.0.0' };
      const ctx = { resource: { id: RESOURCE } as never, properties: { mVip: 'from-caller' } };
      const viaOwnerConfig = lean.handleFor(RESOURCE, binding, m.channel.address);
      expect(await viaOwnerConfig.invoke(POINT, 'echo', ctx, [])).toMatchObject({
        mVip: '10.0.0.1',
      });
      // A channel without configurations shows the bag did not travel.
      const err = await rejection(
        lean.handleFor(RESOURCE, binding, bare.address).invoke(POINT, 'echo', ctx, []),
      );
      expect(err.code).toBe('CHASSIS_E_CLUSTER_BAD_REQUEST');
      expect(err.details).toMatchObject({ field: 'ctx.properties' });
      // Positive control: the default forwarder sends it, and that channel uses it.
      const full = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        expect(
          await full.handleFor(RESOURCE, binding, bare.address).invoke(POINT, 'echo', ctx, []),
        ).toMatchObject({ mVip: 'from-caller' });
      } finally {
        await full.close();
      }
    } finally {
      await lean.close();
      await bare.close();
    }
  });

  it('keeps per-resource order for concurrent forwarded calls', async () => {
    globals.__fwdSeq = [];
    const n = 20;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => callB('seq', [i])));
    const order = Array.from({ length: n }, (_, i) => i);
    expect(results).toEqual(order);
    expect(globals.__fwdSeq).toEqual(order);
  });

  it('refuses lifecycle calls on the forwarding handle, and calls for a resource the owner does not host', async () => {
    const handle = m.b.runtime.resources.get(RESOURCE).compartment.driver;
    for (const op of [handle.start(), handle.stop(), handle.migrate('0.9.0', {})])
      expect((await rejection(op)).code).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
    const stray = m.forwarder.handleFor(
      'pool-elsewhere',
      { driverId: ID, version: '1.0.0' },
      m.channel.address,
    );
    const err = await rejection(
      stray.invoke(
        POINT,
        'whoami',
        { resource: { id: 'pool-elsewhere' } as never, properties: {} },
        [],
      ),
    );
    expect(err.code).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
    expect(err.details).toMatchObject({ member: 'a', resourceId: 'pool-elsewhere' });
    expect(await handle.health()).toEqual({ healthy: true });
  });

  describe('authentication', () => {
    const body = JSON.stringify({
      resource: RESOURCE,
      binding: { driverId: ID, version: '1.0.0' },
      point: POINT,
      method: 'whoami',
      ctx: { resource: { id: RESOURCE }, properties: {} },
      args: [],
    });
    const url = () => m.channel.address.url;

    it('accepts a correctly signed request (the positive control)', async () => {
      const r = await rawPost(url(), body, signed(body));
      expect(r).toMatchObject({ status: 200, json: { ok: true, result: '1.0.0' } });
    });

    it('refuses a missing signature', async () => {
      const r = await rawPost(url(), body, {});
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({
        code: 'CHASSIS_E_CLUSTER_AUTH',
        details: { reason: 'missing' },
      });
    });

    it('refuses a request signed with another secret', async () => {
      const r = await rawPost(url(), body, signed(body, { secret: 'x'.repeat(40) }));
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({
        code: 'CHASSIS_E_CLUSTER_AUTH',
        details: { reason: 'bad-signature' },
      });
    });

    it('tells a forwarder configured with another secret that it was refused', async () => {
      const wrong = createForwarder({ secret: 'w'.repeat(40), memberId: 'b' });
      try {
        const h = wrong.handleFor(RESOURCE, { driverId: ID, version: '1.0.0' }, m.channel.address);
        const ctx = { resource: { id: RESOURCE } as never, properties: {} };
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_AUTH');
        expect(err.details).toMatchObject({ reason: 'bad-signature', member: 'a' });
      } finally {
        await wrong.close();
      }
    });

    it('refuses a replayed request (the first delivery succeeds)', async () => {
      const headers = signed(body);
      expect((await rawPost(url(), body, headers)).status).toBe(200);
      const again = await rawPost(url(), body, headers);
      expect(again.status).toBe(401);
      expect(again.json.error).toMatchObject({ details: { reason: 'replayed' } });
    });

    it('refuses an expired signature; the same request signed now succeeds', async () => {
      const old = await rawPost(url(), body, signed(body, { timestamp: Date.now() - 120_000 }));
      expect(old.status).toBe(401);
      expect(old.json.error).toMatchObject({
        code: 'CHASSIS_E_CLUSTER_AUTH',
        details: { reason: 'expired' },
      });
      expect((await rawPost(url(), body, signed(body))).status).toBe(200);
    });

    it('never logs the secret, on refusals or on calls', async () => {
      const lines: string[] = [];
      const capture = (fields: unknown, msg?: unknown) => {
        lines.push(JSON.stringify([fields, msg]));
      };
      const logger = {
        debug: capture,
        info: capture,
        warn: capture,
        error: capture,
        child: () => logger,
      };
      const logged = await startChannelServer({
        resources: m.a.runtime.resources,
        secret: SECRET,
        logger,
        memberId: 'a-logged',
      });
      try {
        const u = logged.address.url;
        expect((await rawPost(u, body, signed(body, { secret: 'y'.repeat(40) }))).status).toBe(401);
        expect((await rawPost(u, body, {})).status).toBe(401);
        expect((await rawPost(u, body, signed(body))).status).toBe(200);
        // Positive control: the refusals were logged, just without the secret.
        expect(lines.some((l) => l.includes('bad-signature'))).toBe(true);
        expect(lines.join('\n')).not.toContain(SECRET);
      } finally {
        await logged.close();
      }
    });

    it('refuses a body over the cap with a typed error, on the owner and before sending', async () => {
      const small = await startChannelServer({
        resources: m.a.runtime.resources,
        secret: SECRET,
        logger: silentLogger,
        memberId: 'a-small',
        maxBodyBytes: 1024,
      });
      const big = createForwarder({ secret: SECRET, memberId: 'b' });
      const tiny = createForwarder({ secret: SECRET, memberId: 'b', maxBodyBytes: 1024 });
      try {
        const binding = { driverId: ID, version: '1.0.0' };
        const ctx = { resource: { id: RESOURCE } as never, properties: {} };
        const args = ['x'.repeat(4096)];
        const onOwner = await rejection(
          big.handleFor(RESOURCE, binding, small.address).invoke(POINT, 'echo', ctx, args),
        );
        expect(onOwner.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
        const onCaller = await rejection(
          tiny.handleFor(RESOURCE, binding, small.address).invoke(POINT, 'echo', ctx, args),
        );
        expect(onCaller.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
        // A body of undeclared length is counted while it arrives.
        const long = JSON.stringify({ pad: 'x'.repeat(4096) });
        const streamed = await rawPost(small.address.url, long, signed(long), true);
        expect(streamed.status).toBe(413);
        expect(streamed.json.error?.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
        // Positive control: a small call through the same channel goes through.
        expect(
          await big.handleFor(RESOURCE, binding, small.address).invoke(POINT, 'whoami', ctx, []),
        ).toBe('1.0.0');
      } finally {
        await big.close();
        await tiny.close();
        await small.close();
      }
    });

    it("refuses an answer over the caller's cap (the owner ran the call)", async () => {
      const tiny = createForwarder({ secret: SECRET, memberId: 'b', maxBodyBytes: 2048 });
      try {
        const h = tiny.handleFor(RESOURCE, { driverId: ID, version: '1.0.0' }, m.channel.address);
        const ctx = { resource: { id: RESOURCE } as never, properties: {} };
        const err = await rejection(h.invoke(POINT, 'big', ctx, [10_000]));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
        expect(err.details).toMatchObject({ where: 'answer', maxBodyBytes: 2048 });
        // Positive control: an answer under the cap arrives.
        expect(await h.invoke(POINT, 'big', ctx, [100])).toBe('x'.repeat(100));
      } finally {
        await tiny.close();
      }
    });

    it('counts an answer without a declared length against the cap, and believes no doubled signature', async () => {
      // A server that streams its answer in chunks (no content-length) or signs it twice.
      const odd = createHttpServer((req, res) => {
        if (req.url?.includes('health')) {
          res.setHeader(SIGNATURE_HEADERS.signature, ['v2=a', 'v2=b']);
          res.end('{"ok":true,"result":{"healthy":true}}');
          return;
        }
        res.write('x'.repeat(1500));
        res.write('x'.repeat(1500));
        res.end();
      });
      await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
      const tiny = createForwarder({ secret: SECRET, memberId: 'b', maxBodyBytes: 2048 });
      try {
        const h = tiny.handleFor(
          RESOURCE,
          { driverId: ID, version: '1.0.0' },
          { memberId: 'o', url },
        );
        const ctx = { resource: { id: RESOURCE } as never, properties: {} };
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
        expect(err.details).toMatchObject({ where: 'answer', maxBodyBytes: 2048, peer: 'o' });
        const doubled = await rejection(h.health());
        expect(doubled.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(doubled.message).toContain('not signed');
        // Positive control: the same forwarder still reaches a real owner afterwards.
        const real = tiny.handleFor(
          RESOURCE,
          { driverId: ID, version: '1.0.0' },
          m.channel.address,
        );
        expect(await real.invoke(POINT, 'whoami', ctx, [])).toBe('1.0.0');
      } finally {
        await tiny.close();
        await new Promise((r) => odd.close(r));
      }
    });

    it('refuses an answer not signed with the cluster secret (an impostor owner)', async () => {
      const impostor = createHttpServer((_req, res) =>
        res.end(JSON.stringify({ ok: true, result: 'forged' })),
      );
      await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
      const port = (impostor.address() as AddressInfo).port;
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(
          RESOURCE,
          { driverId: ID, version: '1.0.0' },
          { memberId: 'x', url: `http://127.0.0.1:${port}` },
        );
        const err = await rejection(
          h.invoke(POINT, 'whoami', { resource: { id: RESOURCE } as never, properties: {} }, []),
        );
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'x', ambiguous: true });
      } finally {
        await f.close();
        await new Promise((r) => impostor.close(r));
      }
    });
  });

  describe('delivery failures', () => {
    const binding = { driverId: ID, version: '1.0.0' };
    const ctx = { resource: { id: RESOURCE } as never, properties: {} };

    it('rejects with CLUSTER_FORWARD_FAILED naming the owner when it is down (not ambiguous)', async () => {
      const probe = createNetServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((r) => probe.close(r));
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(RESOURCE, binding, {
          memberId: 'down',
          url: `http://127.0.0.1:${port}`,
        });
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'down', ambiguous: false, retryable: true });
      } finally {
        await f.close();
      }
    });

    it('marks a connection lost after sending as ambiguous', async () => {
      const dropper = createNetServer((socket) => socket.once('data', () => socket.destroy()));
      await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', r));
      const port = (dropper.address() as AddressInfo).port;
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(RESOURCE, binding, {
          memberId: 'flaky',
          url: `http://127.0.0.1:${port}`,
        });
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'flaky', ambiguous: true });
      } finally {
        await f.close();
        await new Promise((r) => dropper.close(r));
      }
    });
  });

  // Last: it moves the owner's binding to 1.1.0.
  it('holds a forwarded call during an upgrade on the owner and completes it on the new version', async () => {
    const ownerEntry = m.a.runtime.resources.get(RESOURCE);
    globals.__fwdRelease = undefined;
    const held = callA('hold');
    await until(() => globals.__fwdRelease !== undefined, 'the local call to hold the compartment');
    const upgrade = m.a.runtime.upgrade(ID, { version: '1.1.0', resources: [RESOURCE] }, admin);
    await until(
      () => ownerEntry.compartment.state === 'suspended',
      'the upgrade to suspend the resource',
    );
    const forwarded = callB('echo', ['during']);
    await until(
      () => ownerEntry.compartment.queued > 0,
      'the forwarded call to queue on the owner',
    );
    // Set by the driver meanwhile (the narrowing above does not know).
    (globals.__fwdRelease as (() => void) | undefined)?.();
    expect(await held).toBe('released');
    await upgrade;
    expect(await forwarded).toMatchObject({ args: ['during'], version: '1.1.0', mVip: '10.0.0.1' });
    expect(m.a.runtime.getResource(RESOURCE).binding.version).toBe('1.1.0');
  });
});
