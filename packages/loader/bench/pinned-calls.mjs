// Run by `calls.bench.ts` as `taskset -c 0 node bench/pinned-calls.mjs <driver dir> <input json>`:
// the worker-tier call and the raw MessagePort echo, one in flight, alternating call by call,
// with the whole process on one CPU. Why: on a 2-vCPU VM a thread's round trip is either fast
// (woken on the CPU the other thread just left) or about twice as slow (woken on the other,
// idle vCPU), and which one a worker gets sticks to it for the run and differs between runs, so
// an unpinned ratio of two workers reads anywhere between 0.5x and 2.7x. On one CPU both pay the
// same hand-over and the ratio is the work the tier adds. Prints one JSON line.
import { MessageChannel, Worker } from 'node:worker_threads';
import { Container } from 'inversify';
import { DriverLoader } from '../dist/index.js';

const [dir, input] = process.argv.slice(2);
const { ctx, payload, calls } = JSON.parse(input);
const loader = new DriverLoader({ kernelContainer: new Container() });
const d = await loader.loadDirectory(dir, { tier: 'worker' });
const { port1, port2 } = new MessageChannel();
const raw = new Worker(
  `const { workerData } = require('node:worker_threads');
   workerData.port.on('message', (m) => workerData.port.postMessage({ id: m.id, value: m.args[0] }));`,
  { eval: true, workerData: { port: port2 }, transferList: [port2] },
);
const waiting = new Map();
port1.on('message', (m) => {
  waiting.get(m.id)?.(m.value);
  waiting.delete(m.id);
});
let id = 0;
const rawCall = () =>
  new Promise((resolve) => {
    const n = ++id;
    waiting.set(n, resolve);
    port1.postMessage({ id: n, ctx, args: [payload] });
  });
const tierCall = () => d.handle.invoke('test.echo', 'echo', ctx, [payload]);
for (let i = 0; i < 2000; i++) {
  await rawCall();
  await tierCall();
}
const a = [];
const b = [];
for (let i = 0; i < calls; i++) {
  let t = performance.now();
  await rawCall();
  a.push(performance.now() - t);
  t = performance.now();
  await tierCall();
  b.push(performance.now() - t);
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1] * 1000;
console.log(JSON.stringify({ rawUs: median(a), tierUs: median(b) }));
await d.handle.dispose();
await raw.terminate();
port1.close();
