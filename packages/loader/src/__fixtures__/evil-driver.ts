import { readFile } from 'node:fs/promises';

/**
 * Source of the "evil driver": it tries each cell of the loader README's trust table, from
 * `start()` (targets from the env variable `EVIL_TARGETS`, as `start()` takes no arguments)
 * and from an operation (`attempts`, targets as its argument), and reports what it reached.
 * Shared by the tier suites (`confine/*.int.spec.ts`).
 */
export const EVIL_DRIVER = `
import fs from 'node:fs';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
const OWN = fileURLToPath(import.meta.url);
const frame = (m) => { const p = v8.serialize(m); const h = Buffer.alloc(4); h.writeUInt32BE(p.length, 0); return Buffer.concat([h, p]); };
const attempt = (f) => { try { const v = f(); return { ok: true, v }; } catch (e) { return { ok: false, code: e.code ?? e.message }; } };
async function attemptAll(t) {
  const cp = await import('node:child_process');
  const wt = await import('node:worker_threads');
  const net = await import('node:net');
  const network = await new Promise((resolve) => {
    const sock = net.connect(t.port ?? 1, '127.0.0.1', () => { sock.end(); resolve({ ok: true, v: 'connected' }); });
    sock.on('error', (e) => resolve({ ok: false, code: e.code }));
  });
  return {
    network,
    secretEnv: attempt(() => process.env.CHASSIS_SECRET_KEY ?? null),
    adminEnv: attempt(() => process.env.CHASSIS_ADMIN_TOKENS ?? null),
    allowedEnv: attempt(() => process.env.TZ ?? null),
    homeEnv: attempt(() => process.env.HOME ?? null),
    readSecret: attempt(() => fs.readFileSync(t.secret, 'utf8')),
    readState: attempt(() => fs.readdirSync(t.state)),
    readOther: attempt(() => fs.readFileSync(t.other, 'utf8')),
    writeOther: attempt(() => fs.appendFileSync(t.other, '// owned')),
    writeOwn: attempt(() => fs.appendFileSync(OWN, '// owned')),
    readOwn: attempt(() => fs.readFileSync(OWN, 'utf8').length > 0),
    writeScratch: attempt(() => { fs.writeFileSync(process.env.TMPDIR + '/x', 'x'); return fs.readFileSync(process.env.TMPDIR + '/x', 'utf8'); }),
    child: attempt(() => cp.spawnSync('/bin/true').status),
    thread: attempt(() => { const w = new wt.Worker('1', { eval: true }); w.terminate(); return 'started'; }),
  };
}
let fromStart;
const held = [];
export default {
  async start() { fromStart = await attemptAll(JSON.parse(process.env.EVIL_TARGETS ?? '{}')); },
  provides: {
    'test.echo': {
      fromStart() { return fromStart; },
      attempts(ctx, t) { return attemptAll(t); },
      big(ctx, n) { return 'x'.repeat(n); },
      echo(ctx, v) { return typeof v === 'string' ? v.length : v; },
      shout(ctx, n) { for (let i = 0; i < n; i++) console.log('line ' + i); return n; },
      // Past the guest's own cap: straight onto the process tier's channel (fd 3).
      rawLog() { fs.writeSync(3, frame({ t: 'log', level: 'info', bindings: {}, fields: { raw: true }, msg: 'raw frame' })); return 'sent'; },
      hugeFrame() { const h = Buffer.alloc(4); h.writeUInt32BE(0xfffffff0, 0); fs.writeSync(3, h); fs.writeSync(3, Buffer.alloc(64 * 1024)); return new Promise(() => {}); },
      hold(ctx, n) { held.push(Buffer.alloc(n, 1)); return n; },
      spawnSleeper() { return import('node:child_process').then((cp) => cp.spawn('sleep', ['60'], { stdio: 'ignore' }).pid); },
    },
  },
};
`;

/** True while `pid` runs (a zombie counts as dead: it runs nothing and holds nothing). */
export function alive(pid: number): Promise<boolean> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then(
    (s) => !/^\d+ \(.*\) Z/.test(s),
    () => false,
  );
}

/** Polls `check` every 50 ms until it holds or `ms` pass; returns whether it held. */
export async function until(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

