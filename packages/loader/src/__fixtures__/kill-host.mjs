// A host process for the "server SIGKILL" test: it loads one confined driver granted
// childProcess from the built loader, has it start a sleeper, prints the sleeper's pid and waits
// to be killed. Arguments: <driver dir> <scratch root>.
import { DriverLoader } from '../../dist/index.js';
import { Container } from 'inversify';

const [dir, scratchRoot] = process.argv.slice(2);
const loader = new DriverLoader({
  kernelContainer: new Container(),
  scratchRoot,
  hostEnv: {},
  confinement: {
    trusted: [],
    env: [],
    heapMb: 256,
    maxMessageBytes: 16 * 1024 * 1024,
    output: { linesPerSecond: 50, burst: 200 },
    drivers: { 'com.evil.orphan': { grants: { childProcess: true } } },
  },
});
const l = await loader.loadDirectory(dir);
await l.handle.start();
const ctx = { properties: {}, resource: { id: 'r', kind: 'pool', category: 'storage', driverId: 'x' } };
const pid = await l.handle.invoke('test.echo', 'spawnSleeper', ctx, []);
process.stdout.write(`${JSON.stringify({ sleeper: pid })}\n`);
setInterval(() => undefined, 60_000);
