import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { ChassisError, silentLogger } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
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
import { decodeFrame, encodeAnswer, encodeCall, type Frame } from './frames.js';
import { CHANNEL_PATH } from './protocol.js';
import { newNonce, signRequest } from './signing.js';

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

/** A call frame signed over `body` with the secret, clock and nonce the test chooses. */
function signedFrame(
  body: string,
  o: { secret?: string; timestamp?: number; nonce?: string; id?: number } = {},
): Buffer {
  const timestamp = o.timestamp ?? Date.now();
  const nonce = o.nonce ?? newNonce();
  const h = { id: o.id ?? 1, operation: 'invoke', timestamp, nonce, member: 'test' };
  return encodeCall(h, body, (bytes) => signRequest(o.secret ?? SECRET, { ...h, body: bytes }));
}

/** A call frame whose signed fields are all empty. */
const unsignedFrame = (body: string) => Buffer.from(`call\t1\tinvoke\t\t\t\t\n${body}`);

/** The WebSocket URL of a member's channel. */
const wsUrl = (url: string) => `${url.replace(/^http:/, 'ws:')}${CHANNEL_PATH}`;

/** Sends one raw frame over a fresh connection to a channel and reads the answer frame. */
async function rawCall(
  url: string,
  frame: Buffer,
): Promise<{
  status: number;
  json: {
    ok: boolean;
    result?: unknown;
    error?: { code: string; details: Record<string, unknown> };
  };
}> {
  const ws = new WebSocket(wsUrl(url));
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const answer = new Promise<Buffer>((resolve) => ws.once('message', resolve));
    ws.send(frame);
    const f = decodeFrame(await answer);
    if (f.kind !== 'answer') throw new Error(`expected an answer frame, got ${f.kind}`);
    return { status: f.status, json: JSON.parse(f.body.toString()) };
  } finally {
    ws.close();
  }
}

/** A WebSocket server on the channel path that answers each call frame with `reply`. */
async function fakeOwner(
  reply: (call: Extract<Frame, { kind: 'call' }>, ws: WebSocket) => void,
  autoPong = true,
): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: CHANNEL_PATH, autoPong });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) =>
    ws.on('message', (data: Buffer) => {
      const f = decodeFrame(data);
      if (f.kind === 'call') reply(f, ws);
    }),
  );
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

describe('forwarding a facade call to the owner (two real management servers)', () => {
  let m: TwoMembers;
  /** Another channel server on A's resources (A's own, `m.channel`, stays as the fixture made it). */
  const channelOnA = (
    memberId: string,
    o: Partial<Parameters<typeof startChannelServer>[0]> = {},
  ) =>
    startChannelServer({
      resources: m.a.runtime.resources,
      secret: SECRET,
      logger: silentLogger,
      memberId,
      ...o,
    });
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

  it("aborts the owner's call when the caller's connection closes", async () => {
    globals.__fwdAborted = undefined;
    globals.__fwdSlowStarted = false;
    const f = createForwarder({ secret: SECRET, memberId: 'b' });
    const h = f.handleFor(RESOURCE, { driverId: ID, version: '1.0.0' }, m.channel.address);
    const ctx = { resource: { id: RESOURCE } as never, properties: {} };
    const call = rejection(h.invoke(POINT, 'slow', ctx, []));
    await until(() => globals.__fwdSlowStarted === true, 'the owner to start the call');
    await f.close();
    expect((await call).details).toMatchObject({ ambiguous: true });
    await until(
      () => globals.__fwdAborted === 'CHASSIS_E_RESOURCE_OP_ABORTED',
      'the owner to abort',
    );
  });

  it("aborts the owner's call when the caller cancels (a cancel frame)", async () => {
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
    const bare = await channelOnA('a-bare');
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
      const r = await rawCall(url(), signedFrame(body));
      expect(r).toMatchObject({ status: 200, json: { ok: true, result: '1.0.0' } });
    });

    it('refuses a missing signature', async () => {
      const r = await rawCall(url(), unsignedFrame(body));
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({
        code: 'CHASSIS_E_CLUSTER_AUTH',
        details: { reason: 'missing' },
      });
    });

    it('refuses a request signed with another secret', async () => {
      const r = await rawCall(url(), signedFrame(body, { secret: 'x'.repeat(40) }));
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
      const frame = signedFrame(body);
      expect((await rawCall(url(), frame)).status).toBe(200);
      const again = await rawCall(url(), frame);
      expect(again.status).toBe(401);
      expect(again.json.error).toMatchObject({ details: { reason: 'replayed' } });
    });

    it('refuses an expired signature; the same request signed now succeeds', async () => {
      const old = await rawCall(url(), signedFrame(body, { timestamp: Date.now() - 120_000 }));
      expect(old.status).toBe(401);
      expect(old.json.error).toMatchObject({
        code: 'CHASSIS_E_CLUSTER_AUTH',
        details: { reason: 'expired' },
      });
      expect((await rawCall(url(), signedFrame(body))).status).toBe(200);
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
      const logged = await channelOnA('a-logged', { logger });
      try {
        const u = logged.address.url;
        expect((await rawCall(u, signedFrame(body, { secret: 'y'.repeat(40) }))).status).toBe(401);
        expect((await rawCall(u, unsignedFrame(body))).status).toBe(401);
        expect((await rawCall(u, signedFrame(body))).status).toBe(200);
        // Positive control: the refusals were logged, just without the secret.
        expect(lines.some((l) => l.includes('bad-signature'))).toBe(true);
        expect(lines.join('\n')).not.toContain(SECRET);
      } finally {
        await logged.close();
      }
    });

    it('refuses a body over the cap with a typed error, on the owner and before sending', async () => {
      const small = await channelOnA('a-small', { maxBodyBytes: 1024 });
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
        // A sender that ignores its own cap is refused by the owner all the same.
        const long = JSON.stringify({ pad: 'x'.repeat(4096) });
        const raw = await rawCall(small.address.url, signedFrame(long));
        expect(raw.status).toBe(413);
        expect(raw.json.error?.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
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

    it('refuses an answer over the cap from an owner that ignores it, and believes no malformed signature', async () => {
      // A peer that answers health with a truncated signature and anything else with a frame
      // far over the cap the caller announced.
      const odd = await fakeOwner((call, ws) => {
        if (call.operation === 'health')
          ws.send(
            Buffer.from(`answer\t${call.id}\t200\tv3=a\n{"ok":true,"result":{"healthy":true}}`),
          );
        else ws.send(Buffer.from(`answer\t${call.id}\t200\tv3=a\n${'x'.repeat(100_000)}`));
      });
      const tiny = createForwarder({ secret: SECRET, memberId: 'b', maxBodyBytes: 2048 });
      try {
        const at = { memberId: 'o', url: odd.url };
        const h = tiny.handleFor(RESOURCE, { driverId: ID, version: '1.0.0' }, at);
        const ctx = { resource: { id: RESOURCE } as never, properties: {} };
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_PAYLOAD_TOO_LARGE');
        expect(err.details).toMatchObject({ where: 'answer', maxBodyBytes: 2048, peer: 'o' });
        const bad = await rejection(h.health());
        expect(bad.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(bad.message).toContain('not signed');
        // Positive control: the same forwarder still reaches a real owner afterwards.
        const real = tiny.handleFor(
          RESOURCE,
          { driverId: ID, version: '1.0.0' },
          m.channel.address,
        );
        expect(await real.invoke(POINT, 'whoami', ctx, [])).toBe('1.0.0');
      } finally {
        await tiny.close();
        await odd.close();
      }
    });

    it('refuses an answer not signed with the cluster secret (an impostor owner)', async () => {
      const impostor = await fakeOwner((call, ws) =>
        ws.send(
          encodeAnswer(call.id, 200, '{"ok":true,"result":"forged"}', () => `v3=${'0'.repeat(64)}`),
        ),
      );
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(
          RESOURCE,
          { driverId: ID, version: '1.0.0' },
          { memberId: 'x', url: impostor.url },
        );
        const err = await rejection(
          h.invoke(POINT, 'whoami', { resource: { id: RESOURCE } as never, properties: {} }, []),
        );
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'x', ambiguous: true });
      } finally {
        await f.close();
        await impostor.close();
      }
    });

    it('survives a peer that breaks the WebSocket protocol, and serves the next call', async () => {
      const rogue = new WebSocket(wsUrl(url()));
      await new Promise((resolve) => rogue.once('open', resolve));
      const closed = new Promise((resolve) => rogue.once('close', resolve));
      rogue.on('error', () => undefined); // the owner ends it; nothing to report here
      // An unmasked client frame: the owner's WebSocket reads it as a protocol error.
      (rogue as unknown as { _socket: { write(b: Buffer): void } })._socket.write(
        Buffer.from([0x82, 0x01, 0x00]),
      );
      await closed;
      expect((await rawCall(url(), signedFrame(body))).status).toBe(200);
    });

    it('answers a request that is not a WebSocket upgrade with 426 naming the channel path', async () => {
      const res = await fetch(`${url()}/chassis/cluster/v1/invoke`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(426);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('CHASSIS_E_CLUSTER_BAD_REQUEST');
      expect(json.error.message).toContain(CHANNEL_PATH);
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

    it('rejects as not sent when the peer is no channel (the upgrade is refused)', async () => {
      const plain = createHttpServer((_req, res) => res.end('{"ok":true,"result":"forged"}'));
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(RESOURCE, binding, {
          memberId: 'web',
          url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}`,
        });
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'web', ambiguous: false });
      } finally {
        await f.close();
        await new Promise((r) => plain.close(r));
      }
    });

    it('marks a connection lost after sending as ambiguous', async () => {
      const dropper = await fakeOwner((_call, ws) => ws.terminate());
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(RESOURCE, binding, { memberId: 'flaky', url: dropper.url });
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'flaky', ambiguous: true });
        // Positive control: the next call opens a new connection (and is dropped again).
        const again = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(again.details).toMatchObject({ owner: 'flaky', ambiguous: true });
      } finally {
        await f.close();
        await dropper.close();
      }
    });

    it('lets go of an owner that stops answering pings: its waiting call fails as ambiguous', async () => {
      const never = () => undefined;
      const silent = await fakeOwner(never, false);
      const alive = await fakeOwner(never);
      const f = createForwarder({ secret: SECRET, memberId: 'b', pingIntervalMs: 50 });
      try {
        const h = f.handleFor(RESOURCE, binding, { memberId: 'silent', url: silent.url });
        const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
        expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
        expect(err.details).toMatchObject({ owner: 'silent', ambiguous: true });
        // Positive control: an owner that answers pings keeps the call waiting until the
        // caller gives up (several ping intervals later).
        const live = f.handleFor(RESOURCE, binding, { memberId: 'alive', url: alive.url });
        const ac = new AbortController();
        const waiting = rejection(live.invoke(POINT, 'whoami', ctx, [], { signal: ac.signal }));
        await new Promise((r) => setTimeout(r, 300));
        ac.abort(new Error('caller gave up'));
        expect((await waiting).message).toBe('caller gave up');
      } finally {
        await f.close();
        await silent.close();
        await alive.close();
      }
    });

    it("aborts the owner's call when its caller stops answering pings", async () => {
      globals.__fwdAborted = undefined;
      globals.__fwdSlowStarted = false;
      const ch = await channelOnA('a-pinging', { pingIntervalMs: 50 });
      const ws = new WebSocket(wsUrl(ch.address.url), { autoPong: false });
      try {
        await new Promise((resolve) => ws.once('open', resolve));
        const slow = JSON.stringify({
          resource: RESOURCE,
          binding,
          point: POINT,
          method: 'slow',
          ctx: { resource: { id: RESOURCE }, properties: {} },
          args: [],
        });
        ws.send(signedFrame(slow));
        await until(
          () => globals.__fwdAborted === 'CHASSIS_E_RESOURCE_OP_ABORTED',
          'the owner to abort the call of a silent caller',
        );
      } finally {
        ws.terminate();
        await ch.close();
      }
    });

    it('sends nothing for a call aborted while its connection opens', async () => {
      const seen: string[] = [];
      const owner = await fakeOwner((call, ws) => {
        seen.push(call.body.toString());
        ws.send(encodeAnswer(call.id, 200, '{"ok":true,"result":1}', () => `v3=${'0'.repeat(64)}`));
      });
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      try {
        const h = f.handleFor(RESOURCE, binding, { memberId: 'o', url: owner.url });
        const ac = new AbortController();
        const aborted = rejection(h.invoke(POINT, 'first', ctx, [], { signal: ac.signal }));
        ac.abort(new Error('caller gave up'));
        expect((await aborted).message).toBe('caller gave up');
        // The next call on the same connection arrives; frames keep their order on it, so the
        // first would have arrived before it.
        await rejection(h.invoke(POINT, 'second', ctx, []));
        expect(seen.map((b) => JSON.parse(b).method)).toEqual(['second']);
      } finally {
        await f.close();
        await owner.close();
      }
    });

    it('refuses a member id a frame cannot carry, naming the field', async () => {
      let err: ChassisError | undefined;
      try {
        createForwarder({ secret: SECRET, memberId: 'mgmt 2' });
      } catch (e) {
        err = e as ChassisError;
      }
      expect(err?.code).toBe('CHASSIS_E_CONFIG_INVALID');
      expect(err?.details).toMatchObject({ field: 'memberId' });
      // Positive control: the same id without the space is accepted.
      await createForwarder({ secret: SECRET, memberId: 'mgmt-2' }).close();
    });

    it('refuses a call made after the forwarder closed, as not sent', async () => {
      const f = createForwarder({ secret: SECRET, memberId: 'b' });
      await f.close();
      const h = f.handleFor(RESOURCE, binding, m.channel.address);
      const err = await rejection(h.invoke(POINT, 'whoami', ctx, []));
      expect(err.code).toBe('CHASSIS_E_CLUSTER_FORWARD_FAILED');
      expect(err.details).toMatchObject({ ambiguous: false });
    });
  });

  it('refuses new calls while closing, answers the running one, then closes', async () => {
    const ch = await channelOnA('a-closing');
    const f = createForwarder({ secret: SECRET, memberId: 'b' });
    try {
      const h = f.handleFor(RESOURCE, { driverId: ID, version: '1.0.0' }, ch.address);
      const ctx = { resource: { id: RESOURCE } as never, properties: {} };
      globals.__fwdRelease = undefined;
      const held = h.invoke(POINT, 'hold', ctx, []);
      await until(() => globals.__fwdRelease !== undefined, 'the owner to run the held call');
      let closed = false;
      const closing = ch.close().then(() => {
        closed = true;
      });
      const refused = await rejection(h.invoke(POINT, 'whoami', ctx, []));
      expect(refused.code).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
      expect(refused.details).toMatchObject({ retryable: true });
      expect(closed).toBe(false);
      (globals.__fwdRelease as (() => void) | undefined)?.();
      expect(await held).toBe('released');
      await closing;
    } finally {
      await f.close();
    }
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
