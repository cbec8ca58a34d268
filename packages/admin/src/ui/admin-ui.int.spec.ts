import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../server/create-admin-server.js';
import { TOKENS, testServer } from '../server/test-server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../testing/chromium.js';
import type { FakeRuntime } from '../testing/fake-runtime.js';

const hasChromium = chromiumAvailable();
const ARTIFACTS = path.resolve(
  fileURLToPath(new URL('../../../../', import.meta.url)),
  'test-artifacts',
);

describe.skipIf(!hasChromium)('admin web UI in headless Chromium', () => {
  let browser: Browser;
  let server: AdminServer;
  let runtime: FakeRuntime;
  let base: string;

  beforeAll(async () => {
    ({ server, runtime } = testServer({ fake: { stepDelayMs: 40 } }));
    base = await server.listen({ port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows drivers, reports every invalid field next to it, and upgrades live', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/`);

    // Wrong token first: the UI says so and shows no data.
    await page.fill('#token', 'wrong-token');
    await page.click('#token-form button[type=submit]');
    await expect.poll(() => page.textContent('#message')).toContain('CHASSIS_E_AUTH_INVALID');

    await page.fill('#token', TOKENS.admin);
    await page.click('#token-form button[type=submit]');
    const rows = page.locator('#drivers tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const sf = page.locator('#drivers tbody tr[data-driver-id="com.example.solidfire"]');
    expect(await sf.locator('.state .badge').textContent()).toBe('Running');
    expect(await sf.locator('.version').textContent()).toBe('2.0.0');
    expect(
      await page
        .locator('#drivers tbody tr[data-driver-id="com.example.kvm"] .badge')
        .getAttribute('class'),
    ).toContain('state-Failed');
    await page.waitForSelector('body[data-events="open"]');

    // Detail and configuration form with labels, required marks and a masked secret.
    await sf.click();
    await page.click('button.configure[data-resource="pool-1"]');
    await page.waitForSelector('#config-form:not([hidden])');
    expect(await page.textContent('label[for="f-mVip"]')).toBe('Management VIP');
    expect(await page.getAttribute('label[for="f-mVip"]', 'class')).toBe('required');
    expect(await page.getAttribute('#f-clusterAdminPassword', 'type')).toBe('password');
    expect(await page.inputValue('#f-clusterAdminPassword')).not.toContain('s3cret');

    await page.fill('#f-mVip', '');
    await page.fill('#f-mPort', 'not-a-port');
    await page.click('#config-form button[type=submit]');
    const mVipError = page.locator('.field-error[data-key="mVip"]');
    await expect.poll(() => mVipError.textContent()).toContain('required');
    expect(await page.locator('.field-error[data-key="mPort"]').textContent()).toContain('number');
    expect(await page.locator('.field[data-key="mVip"]').getAttribute('class')).toContain(
      'invalid',
    );
    expect(runtime.getResource('pool-1').configuration.mVip).toBe('10.0.0.10');

    // Upgrade from the drivers table; the state and version change through live events.
    await page.click('#drivers button.upgrade[data-driver="com.example.solidfire"]');
    await expect
      .poll(() => sf.locator('.version').textContent(), { timeout: 10_000 })
      .toBe('2.1.0');
    await expect.poll(() => sf.locator('.state .badge').textContent()).toBe('Running');
    await expect.poll(() => page.textContent('#events')).toContain('2.0.0: Running → Suspended');
    await expect
      .poll(() =>
        page.locator('#resources tr[data-resource-id="pool-1"] .bound-version').textContent(),
      )
      .toBe('2.1.0');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-ui.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
