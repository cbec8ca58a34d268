import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The payload every call benchmark sends: a small, realistic operation argument. */
export const PAYLOAD = {
  volume: { id: 'vol-0001', name: 'data', sizeGb: 100, iops: { min: 100, max: 1000 } },
  tags: ['gold', 'ssd', 'rack-7'],
};

/** The context every driver call carries. */
export const CTX = {
  properties: { mVip: '10.0.0.10', mPort: 443, clusterAdminUsername: 'admin' },
  resource: { id: 'pool-1', kind: 'primary-storage-pool', category: 'storage', driverId: 'x' },
};

/** Echo driver used by every benchmark. */
export const ECHO = `export default { provides: { 'test.echo': { echo(ctx, v) { return v; } } } };\n`;

/** A scratch directory under the OS temp dir. */
export async function scratch(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-loader-bench-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `source` to `<dir>/<name>` and returns the path. */
export async function script(dir: string, name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return file;
}

/** What a raw echo peer is sent: the same shape as a driver call, tagged with an id. */
export interface RawCall {
  readonly id: number;
  readonly ctx: typeof CTX;
  readonly args: readonly unknown[];
}

/**
 * The baseline of the tier benchmarks: one request/response round trip of `PAYLOAD` over a raw
 * channel (MessagePort, child IPC), matching each echo to its request by id, so that the
 * candidate tier is compared with the bare transport doing the same correlation work.
 */
export function rawRoundTrip(
  send: (call: RawCall) => void,
  onReply: (listener: (reply: { id: number; value: unknown }) => void) => void,
): () => Promise<unknown> {
  const waiting = new Map<number, (v: unknown) => void>();
  onReply((m) => {
    waiting.get(m.id)?.(m.value);
    waiting.delete(m.id);
  });
  let id = 0;
  return () =>
    new Promise((resolve) => {
      const n = ++id;
      waiting.set(n, resolve);
      send({ id: n, ctx: CTX, args: [PAYLOAD] });
    });
}
