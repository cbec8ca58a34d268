import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent as UndiciAgent } from 'undici';
import { afterAll, beforeAll, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { compare, report } from '../../../bench/compare.js';
// The built forward path, run natively as in production (see `ForwardImplementation`).
import { createForwarder, startChannelServer } from '../dist/index.js';
import {
  type ForwardImplementation,
  ID,
  POINT,
  RESOURCE,
  startTwoMembers,
  type TwoMembers,
} from '../src/forward/__fixtures__/two-members.js';

/**
 * Issue 17 benchmark: a facade call on member B for a resource member A owns (B's router and
 * compartment → signed call frame over the channel's WebSocket → A's compartment → the driver
 * → signed answer frame) against (1) a plain HTTP/1.1 keep-alive POST on loopback carrying the
 * same JSON body and answer (undici client, node:http server): target ≤ 1.5×; (2) a plain
 * WebSocket round trip with the same body and answer, unsigned (`ws` on both ends: the
 * transport alone, why the channel is a WebSocket), reported; (3) the same facade call made
 * locally on A. Three rounds, the median ratio counts: on a shared 2-core machine one round can
 * land on a noisy moment. Reports only; never fails on time.
 */
let m: TwoMembers;
/**
 * With `CHASSIS_FORWARD_BENCH_BEFORE` set to another build's `dist/index.js` (a copy of this
 * package's `dist` from an earlier commit, placed under `dist/` so it resolves the same
 * dependencies and runs natively), a second pair of members runs that build, and the first case
 * alternates plain / before / after in one loop: a before/after comparison in the same run.
 */
const BEFORE = process.env.CHASSIS_FORWARD_BENCH_BEFORE;
let before: TwoMembers | undefined;
const ARGS = [{ volume: 'vol-1', sizeGb: 20, tags: ['a', 'b', 'c'] }];
const BODY = JSON.stringify({
  resource: RESOURCE,
  binding: { driverId: ID, version: '1.0.0' },
  point: POINT,
  method: 'echo',
  ctx: {
    resource: { id: RESOURCE, kind: 'pool', category: 'storage', driverId: ID },
    locale: 'en',
    properties: { mVip: '10.0.0.1', mPort: 443, password: 'hunter2' },
  },
  args: ARGS,
  deadline: Date.now() + 30_000,
});

let plain: ReturnType<typeof createServer>;
let plainUrl: string;
const undici = new UndiciAgent({ keepAliveTimeout: 30_000 });
let wss: WebSocketServer;
let wsClient: WebSocket;

/** The baseline: POST the same body with undici, the server parses it and answers the echo's shape. */
async function plainRoundTrip(): Promise<unknown> {
  const res = await undici.request({
    origin: plainUrl,
    path: '/',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  return JSON.parse(await res.body.text());
}

/** The echo's answer to a parsed request body. */
function answerOf(body: {
  args: unknown;
  ctx: { properties: { mVip: string } };
  resource: string;
}) {
  return JSON.stringify({
    ok: true,
    result: {
      args: body.args,
      mVip: body.ctx.properties.mVip,
      resource: body.resource,
      label: 'Management VIP',
      version: '1.0.0',
    },
  });
}

/** The same body and answer as one unsigned WebSocket message each way (one call at a time). */
function wsRoundTrip(): Promise<unknown> {
  return new Promise((resolve) => {
    wsClient.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8'))));
    wsClient.send(Buffer.from(BODY));
  });
}

beforeAll(async () => {
  m = await startTwoMembers({ startChannelServer, createForwarder });
  if (BEFORE) before = await startTwoMembers((await import(BEFORE)) as ForwardImplementation);
  plain = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = Buffer.from(answerOf(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
      res.end(answer);
    });
  });
  plain.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) =>
    ws.on('message', (data: Buffer) =>
      ws.send(Buffer.from(answerOf(JSON.parse(data.toString('utf8'))))),
    ),
  );
  wsClient = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, {
    perMessageDeflate: false,
  });
  await new Promise((r) => wsClient.once('open', r));
}, 120_000);

afterAll(async () => {
  wsClient?.close();
  await new Promise((r) => wss?.close(r));
  await undici.close();
  await new Promise((r) => plain?.close(r));
  await m?.close();
  await before?.close();
});

/**
 * Per-call latencies of two cases taken alternately (a, b, a, b, …), so that a change of the
 * machine's load hits both alike; returns the medians. tinybench runs one case after the
 * other, which on a shared machine can put them in different load regimes.
 */
async function interleaved(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  n: number,
): Promise<{ a: number; b: number }> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    await a();
    ta.push(performance.now() - t);
    t = performance.now();
    await b();
    tb.push(performance.now() - t);
  }
  const mid = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;
  return { a: mid(ta), b: mid(tb) };
}

/** Like {@link interleaved}, for any number of cases (per-call medians, in µs). */
async function interleavedAll(cases: Array<() => Promise<unknown>>, n: number): Promise<number[]> {
  const ts = cases.map(() => [] as number[]);
  for (let i = 0; i < n; i++)
    for (const [k, f] of cases.entries()) {
      const t = performance.now();
      await f();
      ts[k]?.push(performance.now() - t);
    }
  return ts.map((xs) => ([...xs].sort((x, y) => x - y)[xs.length >> 1] as number) * 1000);
}

it.skipIf(!BEFORE)('before/after: plain, earlier build, this build, alternating', async () => {
  const b = before as TwoMembers;
  const now = () => m.b.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
  const then = () => b.b.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
  await interleavedAll([plainRoundTrip, then, now], 300);
  const rounds: number[][] = [];
  for (let r = 0; r < 5; r++) rounds.push(await interleavedAll([plainRoundTrip, then, now], 600));
  const med = (k: number) =>
    [...rounds.map((x) => x[k] as number)].sort((x, y) => x - y)[2] as number;
  report('forwarded call before/after, 5 rounds × 600 alternating calls, median of round medians', [
    [
      'rounds (plain / before / after, µs)',
      rounds.map((x) => x.map((v) => v.toFixed(0)).join('/')).join(', '),
    ],
    ['plain HTTP keep-alive round trip (undici)', `${med(0).toFixed(1)} µs`],
    ['forwarded, earlier build', `${med(1).toFixed(1)} µs (${(med(1) / med(0)).toFixed(2)}×)`],
    ['forwarded, this build', `${med(2).toFixed(1)} µs (${(med(2) / med(0)).toFixed(2)}×)`],
  ]);
});

it('forwarded facade call vs plain HTTP, alternating calls (medians)', async () => {
  const forwarded = () => m.b.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
  const local = () => m.a.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
  await interleaved(plainRoundTrip, forwarded, 200);
  const plainVsFwd = await interleaved(plainRoundTrip, forwarded, 1500);
  const wsVsFwd = await interleaved(wsRoundTrip, forwarded, 1500);
  const localVsFwd = await interleaved(local, forwarded, 1500);
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  const ratio = plainVsFwd.b / plainVsFwd.a;
  report('forwarded facade call, 1500 alternating calls per pair, median latencies', [
    ['plain HTTP keep-alive round trip (undici)', us(plainVsFwd.a)],
    ['forwarded facade call (B → A)', us(plainVsFwd.b)],
    ['ratio', `${ratio.toFixed(2)}×`],
    ['target', `≤ 1.5×  (${ratio <= 1.5 ? 'met' : 'NOT met'})`],
    ['plain WebSocket round trip (ws, unsigned)', us(wsVsFwd.a)],
    ['forwarded / plain WebSocket', `${(wsVsFwd.b / wsVsFwd.a).toFixed(2)}×`],
    ['local facade call on A', us(localVsFwd.a)],
    ['forwarded / local', `${(localVsFwd.b / localVsFwd.a).toFixed(2)}×`],
  ]);
});

it('forwarded facade call vs a plain HTTP keep-alive round trip, and vs a local call', async () => {
  const forwarded = () => m.b.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
  const local = () => m.a.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
  const http: number[] = [];
  const overWs: number[] = [];
  const vsLocal: number[] = [];
  for (let round = 1; round <= 3; round++) {
    const r = await compare({
      title: `forwarded facade call vs plain HTTP keep-alive POST, same payload (round ${round}/3)`,
      baseline: { name: 'plain HTTP keep-alive round trip (undici)', fn: plainRoundTrip },
      candidate: { name: 'forwarded facade call (B → A)', fn: forwarded },
      target: '≤ 1.5×',
      meets: (x) => x.ratio <= 1.5,
      time: 1000,
    });
    http.push(r.ratio);
    const w = await compare({
      title: `forwarded facade call vs a plain WebSocket round trip, same payload (round ${round}/3)`,
      baseline: { name: 'plain WebSocket round trip (ws, unsigned)', fn: wsRoundTrip },
      candidate: { name: 'forwarded facade call (B → A)', fn: forwarded },
      target: 'reported only (what the channel adds to its transport)',
      time: 1000,
    });
    overWs.push(w.ratio);
    const l = await compare({
      title: `forwarded facade call vs the same call made on the owner (round ${round}/3)`,
      baseline: { name: 'local facade call on A', fn: local },
      candidate: { name: 'forwarded facade call (B → A)', fn: forwarded },
      target: 'reported only',
      time: 1000,
    });
    vsLocal.push(l.ratio);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
  report('forwarded facade call: median of 3 rounds', [
    ['vs plain HTTP ratios', http.map((x) => `${x.toFixed(2)}×`).join(', ')],
    ['vs plain HTTP median', `${median(http).toFixed(2)}×`],
    ['target', `≤ 1.5×  (${median(http) <= 1.5 ? 'met' : 'NOT met'})`],
    ['vs plain WebSocket ratios', overWs.map((x) => `${x.toFixed(2)}×`).join(', ')],
    ['vs plain WebSocket median', `${median(overWs).toFixed(2)}×`],
    ['vs local ratios', vsLocal.map((x) => `${x.toFixed(2)}×`).join(', ')],
    ['vs local median', `${median(vsLocal).toFixed(2)}×`],
  ]);
});
