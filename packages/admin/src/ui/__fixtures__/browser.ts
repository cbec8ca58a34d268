/// <reference lib="dom" />
// Page functions passed to `evaluate` run in the browser, so they see the DOM globals.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../testing/chromium.js';

/**
 * One headless Chromium for the calling `describe` block: launched before its tests, closed
 * after them. Returns a getter (the browser exists only once `beforeAll` ran).
 */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser as Browser;
}

/** Screenshots of the browser tests, kept as test artifacts. */
export const REPORTS = path.resolve(
  fileURLToPath(new URL('../../../../../', import.meta.url)),
  '.reports',
  'ui',
);

/** Saves a full-page screenshot as `.reports/ui/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(REPORTS, { recursive: true });
  await page.screenshot({ path: path.join(REPORTS, `${name}.png`), fullPage: true });
}

let axeSource: string | undefined;

/** One axe-core violation, trimmed to what a failure message needs. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) in the page and returns its violations. The page's
 * context must be created with `bypassCSP: true`: the UI's CSP rightly refuses inline scripts.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time, untyped here.
    const result = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    // biome-ignore lint/suspicious/noExplicitAny: axe's result shape.
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // biome-ignore lint/suspicious/noExplicitAny: axe's node shape.
      targets: v.nodes.map((n: any) => String(n.target)),
    }));
  });
}
