import { type AdminServer, createAdminServer } from '@chassis/admin';
import type { RuntimeApi } from '@chassis/runtime';
import { pino } from 'pino';

/**
 * Serves the admin HTTP API and web UI for `runtime` on `host`:`port` (default 127.0.0.1) (0 picks a free
 * port). The admin token is generated in `dataDir` at first start and printed once; `tokens`
 * adds operator-configured tokens with their role.
 */
export async function serveAdmin(
  runtime: RuntimeApi,
  dataDir: string,
  port: number,
  print: (line: string) => void,
  tokens: readonly { readonly token: string; readonly role: string }[] = [],
  host = '127.0.0.1',
): Promise<{ admin: AdminServer; url: string }> {
  const admin = createAdminServer({
    runtime,
    auth: {
      dataDir,
      print,
      tokens: Object.fromEntries(
        tokens.map((t, i) => [t.token, { id: `${t.role}-token-${i + 1}`, roles: [t.role] }]),
      ),
    },
    logger: pino({ level: 'warn', name: 'chassis-admin' }),
  });
  const url = await admin.listen({ host, port });
  return { admin, url };
}
