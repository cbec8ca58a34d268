import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_TOKEN_FILE, type AdminServer, createAdminServer } from '@chassis/admin';
import type { RuntimeApi } from '@chassis/runtime';
import { pino } from 'pino';

/**
 * Serves the admin HTTP API and web UI for `runtime` on `host`:`port` (default 127.0.0.1) (0 picks a free
 * port). The admin token is generated in `dataDir` at first start and printed once; `tokens`
 * adds operator-configured tokens with their role. The token line is printed only once the
 * port is bound: a start refused with `CHASSIS_E_ADMIN_PORT_IN_USE` prints no token and removes
 * one it just created (the next start creates and prints a new one).
 */
export async function serveAdmin(
  runtime: RuntimeApi,
  dataDir: string,
  port: number,
  print: (line: string) => void,
  tokens: readonly { readonly token: string; readonly role: string }[] = [],
  host = '127.0.0.1',
): Promise<{ admin: AdminServer; url: string }> {
  const tokenFile = join(dataDir, ADMIN_TOKEN_FILE);
  const existed = await stat(tokenFile).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
  const held: string[] = [];
  const admin = createAdminServer({
    runtime,
    auth: {
      dataDir,
      print: (line) => held.push(line),
      tokens: Object.fromEntries(
        tokens.map((t, i) => [t.token, { id: `${t.role}-token-${i + 1}`, roles: [t.role] }]),
      ),
    },
    logger: pino({ level: 'warn', name: 'chassis-admin' }),
  });
  let url: string;
  try {
    url = await admin.listen({ host, port });
  } catch (err) {
    await admin.close();
    if (!existed) await rm(tokenFile, { force: true });
    throw err;
  }
  for (const line of held) print(line);
  return { admin, url };
}
