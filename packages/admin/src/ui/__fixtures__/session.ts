/// <reference lib="dom" />
// Page functions passed to `evaluate` run in the browser, so they see the DOM globals.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AdminServer, AdminServerOptions } from '../../server/create-admin-server.js';
import { TOKENS, testServer } from '../../server/test-server.js';
import type { FakeRuntime, FakeRuntimeOptions } from '../../testing/fake-runtime.js';

/** A signed-in page over a fresh fake runtime. */
export interface UiSession {
  readonly server: AdminServer;
  readonly runtime: FakeRuntime;
  readonly base: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Bounded polling for `expect.poll`. */
export const poll = { timeout: 10_000 };

/**
 * Starts an admin server over a fresh fake runtime and opens the UI signed in as `role`
 * (`locale` preset in storage; `hash` opened after sign-in).
 */
export async function openUi(
  browser: Browser,
  options: {
    role?: keyof typeof TOKENS;
    locale?: string;
    width?: number;
    fake?: FakeRuntimeOptions;
    server?: Pick<AdminServerOptions, 'metricsHistory'>;
    signIn?: boolean;
  } = {},
): Promise<UiSession> {
  const { server, runtime } = testServer({
    fake: { stepDelayMs: 30, ...options.fake },
    metricsHistory: { intervalMs: 0 },
    ...options.server,
  });
  const base = await server.listen({ port: 0 });
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1200, height: 1000 },
    bypassCSP: true,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(10_000);
  if (options.locale) {
    const code = options.locale;
    await context.addInitScript((c) => localStorage.setItem('chassis.admin.locale', c), code);
  }
  await page.goto(`${base}/`);
  if (options.signIn !== false) {
    await page.fill('#token', TOKENS[options.role ?? 'admin']);
    await page.press('#token', 'Enter');
    await page.waitForSelector('#drivers tbody tr');
    await page.waitForSelector('body[data-events="open"]');
  }
  return {
    server,
    runtime,
    base,
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await server.close();
    },
  };
}
