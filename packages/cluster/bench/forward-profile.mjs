// Standalone profile driver for the forward bench (not a test): the same two members and the
// same plain baseline as `forward.bench.ts`, run on the built `dist/` so `node --cpu-prof` sees
// production code. Prints CPU µs per call (process.cpuUsage, user + system) and wall medians of
// interleaved blocks, which a loaded machine disturbs far less than wall time alone.
//   cd packages/cluster && node [--cpu-prof] bench/forward-profile.mjs [rounds] [calls]
// ONLY=plain,forwarded picks cases (also plainDispatch, local); FORWARD_IMPL=<dist index.js>
// runs another build of the forward path; `--import ./bench/count-hooks.mjs` counts per call.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExtensionPoint, DEFAULT_KERNEL_CONFIG, silentLogger } from '@chassis/kernel';
import { createManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { Agent as UndiciAgent } from 'undici';

const impl = await import(process.env.FORWARD_IMPL ?? '../dist/index.js');
const ID = 'com.example.forwarded';
const POINT = 'storage.primary';
const RESOURCE = 'pool-a';
const SECRET = 'test-cluster-secret-0123456789-abcdefghij';
const admin = { id: 'alice', roles: ['admin'] };
const props = { mVip: '10.0.0.1', password: 'hunter2' };
const source = (v) => `export default { provides: { ${JSON.stringify(POINT)}: {
  echo: (ctx, ...args) => ({ args, mVip: ctx.properties.mVip, resource: ctx.resource.id, label: ctx.t('fx.mvip.label'), version: ${JSON.stringify(v)} }),
} } };`;

const root = await mkdtemp(join(tmpdir(), 'chassis-fwd-prof-'));
const repo = join(root, 'repo');
await buildFixtureCar(repo, { id: ID, version: '1.0.0', source: source('1.0.0') });
async function server(name) {
  const s = await createManagementServer({
    dataDir: join(root, name),
    sources: [`file:${repo}`],
    config: {
      ...DEFAULT_KERNEL_CONFIG,
      confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [ID] },
    },
    extensionPoints: [createExtensionPoint(POINT, '1.0.0')],
  });
  await s.start();
  await s.runtime.createResource(
    { id: RESOURCE, kind: 'pool', driverId: ID, properties: props },
    admin,
  );
  return s;
}
const a = await server('a');
const b = await server('b');
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
const plain = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const answer = Buffer.from(
      JSON.stringify({
        ok: true,
        result: {
          args: body.args,
          mVip: body.ctx.properties.mVip,
          resource: body.resource,
          label: 'Management VIP',
          version: '1.0.0',
        },
      }),
    );
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
    res.end(answer);
  });
});
plain.keepAliveTimeout = 60_000;
await new Promise((r) => plain.listen(0, '127.0.0.1', r));
const plainUrl = `http://127.0.0.1:${plain.address().port}`;
const undici = new UndiciAgent({ keepAliveTimeout: 30_000 });
async function plainRoundTrip() {
  const res = await undici.request({
    origin: plainUrl,
    path: '/',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  return JSON.parse(await res.body.text());
}
/** The same plain round trip through undici's `dispatch` with a minimal handler (no body stream). */
function plainDispatch() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    undici.dispatch(
      {
        origin: plainUrl,
        path: '/',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      },
      {
        onConnect() {},
        onHeaders(status) {
          this.status = status;
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        },
        onError: reject,
      },
    );
  });
}
const forwarded = () => b.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);
const local = () => a.runtime.router.call(RESOURCE, POINT, 'echo', ARGS);

const r0 = await forwarded();
if (r0.mVip !== '10.0.0.1') throw new Error(`unexpected result ${JSON.stringify(r0)}`);
const rounds = Number(process.argv[2] ?? 10);
const calls = Number(process.argv[3] ?? 500);
const only = process.env.ONLY; // 'forwarded' or 'plain': profile one case alone
const cases = { plain: plainRoundTrip, forwarded, local, plainDispatch };
const names = only ? only.split(',') : ['plain', 'forwarded', 'local'];
for (const n of names) for (let i = 0; i < 300; i++) await cases[n]();
if (globalThis.__counts) {
  // With `--import ./bench/count-hooks.mjs` (globals wrapped to count): counts per call.
  for (const n of names) {
    for (const k of Object.keys(globalThis.__counts)) delete globalThis.__counts[k];
    const N = 1000;
    globalThis.__record = n;
    for (let i = 0; i < N; i++) await cases[n]();
    globalThis.__record = undefined;
    console.log(
      n,
      Object.entries(globalThis.__counts)
        .map(([k, v]) => `${k} ${(v / N).toFixed(2)}`)
        .join(', '),
    );
  }
}
if (process.env.PHASES) {
  // One case after the other, with their monotonic time windows (µs, the clock of a
  // `--cpu-prof` profile), so one profile compares their costs on one scale.
  const windows = {};
  for (const n of names) {
    const t0 = process.hrtime.bigint() / 1000n;
    for (let i = 0; i < rounds * calls; i++) await cases[n]();
    windows[n] = [Number(t0), Number(process.hrtime.bigint() / 1000n), rounds * calls];
  }
  console.log(`PHASES ${JSON.stringify(windows)}`);
}
const cpu = Object.fromEntries(names.map((n) => [n, []]));
const wall = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++)
  for (const n of names) {
    const f = cases[n];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await f();
    const t = (performance.now() - t0) / calls;
    const c = process.cpuUsage(c0);
    cpu[n].push((c.user + c.system) / calls);
    wall[n].push(t * 1000);
  }
const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const min = (xs) => Math.min(...xs);
for (const n of names)
  console.log(
    `${n.padEnd(10)} cpu ${med(cpu[n]).toFixed(1)} µs/call (min ${min(cpu[n]).toFixed(1)})  wall ${med(wall[n]).toFixed(1)} µs/call (min ${min(wall[n]).toFixed(1)})`,
  );
if (cpu.plain && cpu.forwarded)
  console.log(
    `forwarded/plain: cpu ${(med(cpu.forwarded) / med(cpu.plain)).toFixed(2)}× (of minima ${(min(cpu.forwarded) / min(cpu.plain)).toFixed(2)}×)  wall ${(min(wall.forwarded) / min(wall.plain)).toFixed(2)}× of minima, ${(med(wall.forwarded) / med(wall.plain)).toFixed(2)}×  (rounds: ${cpu.forwarded.map((x, i) => (x / cpu.plain[i]).toFixed(2)).join(' ')})`,
  );
await undici.close();
await new Promise((r) => plain.close(r));
await forwarder.close();
await channel.close();
await b.stop();
await a.stop();
await rm(root, { recursive: true, force: true });
