import type { Principal } from '@chassis/runtime';
import { pino } from 'pino';
import type { AuthorizeFn } from '../auth/authorize.js';
import type { InstrumentationHook } from '../hooks/instrumentation.js';
import {
  createFakeRuntime,
  type FakeRuntime,
  type FakeRuntimeOptions,
} from '../testing/fake-runtime.js';
import {
  type AdminServer,
  type AdminServerOptions,
  createAdminServer,
} from './create-admin-server.js';

/** Tokens of the test server, one per role. */
export const TOKENS = {
  admin: 'admin-token-0123456789',
  operator: 'operator-token-0123456789',
  viewer: 'viewer-token-0123456789',
} as const;

const principals: Record<string, Principal> = {
  [TOKENS.admin]: { id: 'alice', roles: ['admin'] },
  [TOKENS.operator]: { id: 'oscar', roles: ['operator'] },
  [TOKENS.viewer]: { id: 'vera', roles: ['viewer'] },
};

/** Bearer header for a role. */
export const as = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });

/** An admin server over a fresh fake runtime, silent, with one token per role. */
export function testServer(
  extra: Partial<AdminServerOptions> & {
    fake?: FakeRuntimeOptions;
    authorize?: AuthorizeFn;
    hooks?: InstrumentationHook[];
  } = {},
): { server: AdminServer; runtime: FakeRuntime } {
  const runtime = createFakeRuntime(extra.fake);
  const server = createAdminServer({
    logger: pino({ level: 'silent' }),
    ...extra,
    runtime,
    auth: extra.auth ?? { tokens: principals },
  });
  return { server, runtime };
}
