import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../testing/chromium.js';
import { axe, screenshot } from './__fixtures__/browser.js';
import { openUi, poll } from './__fixtures__/session.js';

/**
 * The admin web UI in headless Chromium over the fake runtime (which paces lifecycle steps so
 * the page can be seen following them). One browser for the file, a fresh server per test.
 */

const hasChromium = chromiumAvailable();
const SF = 'com.example.solidfire';
const KVM = 'com.example.kvm';

describe.skipIf(!hasChromium)('admin web UI in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a wrong token, then shows drivers, reports invalid fields accessibly, and upgrades with a plan', async () => {
    const ui = await openUi(browser, { signIn: false });
    const { page, runtime } = ui;
    try {
      await page.fill('#token', 'wrong-token');
      await page.click('#token-form button[type=submit]');
      await expect
        .poll(() => page.textContent('#message'), poll)
        .toContain('CHASSIS_E_AUTH_INVALID');
      expect(await page.getAttribute('#message a.error-code', 'href')).toContain(
        'docs/errors.md#chassis_e_auth_invalid',
      );
      expect(await page.isHidden('#app')).toBe(true);

      await page.fill('#token', 'admin-token-0123456789');
      await page.click('#token-form button[type=submit]');
      const rows = page.locator('#drivers tbody tr');
      await expect.poll(() => rows.count(), poll).toBe(3);
      const sf = page.locator(`#drivers tbody tr[data-driver-id="${SF}"]`);
      expect(await sf.locator('.state .badge').textContent()).toBe('Running');
      expect(await sf.locator('.version').textContent()).toBe('2.0.0');
      expect(
        await page.locator(`tr[data-driver-id="${KVM}"] .badge`).getAttribute('class'),
      ).toContain('state-Failed');
      await page.waitForSelector('body[data-events="open"]');
      expect(await page.textContent('#connection')).toBe('Live');
      expect(await axe(page)).toEqual([]);

      // The row opens the driver's own URL; the resource's Configure opens the resource's URL.
      await sf.click();
      await expect.poll(() => page.evaluate(() => location.hash), poll).toBe(`#/drivers/${SF}`);
      await page.waitForSelector('#detail:not([hidden])');
      await expect.poll(() => page.textContent('#detail-title'), poll).toContain(SF);
      await page.click('button.configure[data-resource="pool-1"]');
      await page.waitForSelector('#config-form:not([hidden])');
      expect(await page.evaluate(() => location.hash)).toBe('#/resources/pool-1');
      expect(await page.textContent('label[for="f-mVip"]')).toBe('Management VIP');
      expect(await page.getAttribute('label[for="f-mVip"]', 'class')).toBe('required');
      expect(await page.getAttribute('#f-clusterAdminPassword', 'type')).toBe('password');
      expect(await page.inputValue('#f-clusterAdminPassword')).not.toContain('s3cret');

      await page.fill('#f-mVip', '');
      await page.fill('#f-mPort', 'not-a-port');
      await page.click('#config-form button[type=submit]');
      const mVipError = page.locator('.field-error[data-key="mVip"]');
      await expect.poll(() => mVipError.textContent(), poll).toContain('required');
      expect(await page.locator('.field-error[data-key="mPort"]').textContent()).toContain(
        'number',
      );
      expect(await page.locator('.field[data-key="mVip"]').getAttribute('class')).toContain(
        'invalid',
      );
      expect(await page.getAttribute('#f-mVip', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('#f-mVip', 'aria-describedby')).toContain('f-mVip-error');
      expect(await page.getAttribute('#f-sVip', 'aria-invalid')).toBeNull();
      // The first invalid field has the focus, so the operator lands on it.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-mVip');
      expect(runtime.getResource('pool-1').configuration.mVip).toBe('10.0.0.10');
      expect(await axe(page)).toEqual([]);

      // Upgrade: a plan first (from → to, the resources that move), a policy, then Apply.
      await page.click(`#drivers button.upgrade[data-driver="${SF}"]`);
      await page.waitForSelector('#upgrade-dialog[open]');
      await expect.poll(() => page.textContent('#upgrade-plan'), poll).toContain('2.0.0');
      expect(await page.textContent('#upgrade-title')).toContain('2.1.0');
      expect(await page.isChecked('#policy-one')).toBe(true);
      expect(await page.locator('#upgrade-plan li[data-resource]').count()).toBeGreaterThan(0);
      expect(await axe(page)).toEqual([]);
      await page.click('#upgrade-confirm');
      await expect.poll(() => page.textContent('#upgrade-result'), poll).toContain('succeeded');
      expect(
        await page.locator('#upgrade-plan li[data-resource="pool-1"]').getAttribute('data-status'),
      ).toBe('moved');
      await screenshot(page, 'upgrade-done');
      await page.click('#upgrade-cancel');
      await expect.poll(() => sf.locator('.version').textContent(), poll).toBe('2.1.0');
      await expect.poll(() => sf.locator('.state .badge').textContent(), poll).toBe('Running');
      await expect
        .poll(() => page.textContent('#events'), poll)
        .toContain('2.0.0: Running → Suspended');
      // The open form kept the operator's input; its title follows the bound version.
      await expect.poll(() => page.textContent('#config-title'), poll).toContain(`${SF}@2.1.0`);
      expect(await page.inputValue('#f-mPort')).toBe('not-a-port');
      expect(ui.pageErrors).toEqual([]);
      await screenshot(page, 'overview');
    } finally {
      await ui.close();
    }
  }, 60_000);
});
