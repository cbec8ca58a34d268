/// <reference lib="dom" />
// Page functions passed to `evaluate` run in the browser, so they see the DOM globals.
import { describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from '../server/create-admin-server.js';
import { TOKENS } from '../server/test-server.js';
import { chromiumAvailable } from '../testing/chromium.js';
import { axe, screenshot, sharedBrowser } from './__fixtures__/browser.js';
import { openUi, poll } from './__fixtures__/session.js';

/**
 * The admin web UI in headless Chromium over the fake runtime (which paces lifecycle steps so
 * the page can be seen following them). One browser for the file, a fresh server per test.
 */

const hasChromium = chromiumAvailable();
const SF = 'com.example.solidfire';
const KVM = 'com.example.kvm';

describe.skipIf(!hasChromium)('admin web UI in headless Chromium', () => {
  const browser = sharedBrowser();

  it('refuses a wrong token, then shows drivers, reports invalid fields accessibly, and upgrades with a plan', async () => {
    const ui = await openUi(browser(), { signIn: false });
    const { page, runtime } = ui;
    try {
      await page.fill('#token', 'wrong-token');
      await page.click('#token-form button[type=submit]');
      await expect
        .poll(() => page.textContent('#message'), poll)
        .toContain('CHASSIS_E_AUTH_INVALID');
      expect(await page.getAttribute('#message a.error-code', 'href')).toContain(
        'docs/errors.md#:~:text=CHASSIS_E_AUTH_INVALID',
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
      // Sent as an accepted action (Prefer: respond-async), then followed by its id.
      const sent = page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith('/upgrade'),
      );
      const followed = page.waitForRequest((r) => r.url().includes('/api/upgrades/'));
      await page.click('#upgrade-confirm');
      expect((await sent).headers().prefer).toBe('respond-async');
      await followed;
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

  it('keyboard only: reaches a Failed driver from the header, reads its cause and restarts it', async () => {
    const ui = await openUi(browser());
    const { page } = ui;
    try {
      // Tab from the header to KVM's link; no row needs a mouse.
      await page.focus('#logout');
      let reached = false;
      for (let i = 0; i < 30 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(
          (id) => document.activeElement?.closest('tr')?.getAttribute('data-driver-id') === id,
          KVM,
        );
      }
      expect(reached).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => location.hash), poll).toBe(`#/drivers/${KVM}`);
      const failure = page.locator('#failures .failure');
      await expect.poll(() => failure.count(), poll).toBe(1);
      expect(await failure.locator('.failure-cause').textContent()).toContain(
        'CHASSIS_E_LIFECYCLE_STEP_FAILED',
      );
      expect(await failure.locator('.failure-cause').textContent()).toContain('host unreachable');
      // The restart supervisor's numbers (versions[].restarts): attempts of the limit, next retry.
      expect(await failure.locator('.attempts').textContent()).toBe('1 of 5');
      expect(await failure.locator('.next-retry time').getAttribute('datetime')).toMatch(/^\d{4}-/);
      expect(await page.textContent('#transitions')).toContain('Running → Failed');
      expect(await page.locator('#transitions time').first().getAttribute('datetime')).toMatch(
        /^\d{4}-/,
      );
      // No raw ISO timestamp anywhere in the visible text.
      expect(await page.textContent('main')).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
      expect(await axe(page)).toEqual([]);
      await screenshot(page, 'failed-driver');

      await page.focus('#failures button.restart');
      await page.keyboard.press('Enter');
      const kvm = page.locator(`#drivers tr[data-driver-id="${KVM}"] .state .badge`);
      await expect.poll(() => kvm.textContent(), poll).toBe('Running');
      await expect.poll(() => failure.count(), poll).toBe(0);

      // The upgrade dialog by keyboard: open, Escape closes it and gives the focus back.
      await page.focus(`#drivers button.upgrade[data-driver="${SF}"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#upgrade-dialog[open]');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#upgrade-dialog[open]').count(), poll).toBe(0);
      // The dialog's `close` event, which gives the focus back, is a task after the `open`
      // attribute goes: poll for the focus rather than read it once.
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-driver')), poll)
        .toBe(SF);
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it('a viewer sees no action they cannot perform', async () => {
    const ui = await openUi(browser(), { role: 'viewer' });
    const { page } = ui;
    try {
      expect(await page.textContent('#whoami')).toContain('vera');
      expect(await page.locator('button.upgrade').count()).toBe(0);
      expect(await page.isHidden('#check-updates')).toBe(true);
      expect(await page.isHidden('#new-resource')).toBe(true);
      expect(await page.isHidden('#audit-link')).toBe(true);
      await page.goto(`${ui.base}/#/drivers/${KVM}`);
      await page.waitForSelector('#failures .failure');
      expect(
        await page.locator('button.restart, button.rollback, #uninstall-driver:visible').count(),
      ).toBe(0);
      await page.goto(`${ui.base}/#/resources/pool-1`);
      await page.waitForSelector('#config-form:not([hidden])');
      expect(await page.isHidden('#config-save')).toBe(true);
      expect(await page.isDisabled('#f-mVip')).toBe(true);
      expect(await page.isHidden('#resource-actions')).toBe(true);
      expect(await page.textContent('button.configure[data-resource="pool-1"]')).toBe('Show');
      expect(await axe(page)).toEqual([]);
      await screenshot(page, 'viewer');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it('shows a lost connection and reconnects the events stream by itself', async () => {
    const ui = await openUi(browser());
    const { page, runtime } = ui;
    let second: AdminServer | undefined;
    try {
      const port = Number(new URL(ui.base).port);
      await ui.server.close();
      await expect.poll(() => page.getAttribute('body', 'data-events'), poll).toBe('lost');
      expect(await page.textContent('#connection')).toContain('Connection lost');
      // Something changes while the page is cut off ...
      await runtime.restart(KVM, {}, { id: 'alice', roles: ['admin'] });
      // ... the server comes back on the same port, over the same runtime.
      second = createAdminServer({
        runtime,
        auth: { tokens: { [TOKENS.admin]: { id: 'alice', roles: ['admin'] } } },
        logger: false,
        metricsHistory: { intervalMs: 0 },
      });
      await second.listen({ port });
      await expect
        .poll(() => page.getAttribute('body', 'data-events'), { timeout: 20_000 })
        .toBe('open');
      // The page reloaded what the missed events would have changed.
      await expect
        .poll(() => page.locator(`#drivers tr[data-driver-id="${KVM}"] .badge`).textContent(), poll)
        .toBe('Running');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.context.close();
      await second?.close();
    }
  }, 60_000);

  it('speaks French: chrome, states, dates and validation messages, with a locale switch', async () => {
    const ui = await openUi(browser(), { locale: 'fr' });
    const { page } = ui;
    try {
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.textContent('#drivers-h')).toBe('Pilotes');
      expect(await page.textContent('#connection')).toBe('En direct');
      expect(await page.locator(`#drivers tr[data-driver-id="${KVM}"] .badge`).textContent()).toBe(
        'En échec',
      );
      await page.goto(`${ui.base}/#/resources/pool-1`);
      await page.waitForSelector('#config-form:not([hidden])');
      await page.fill('#f-mVip', '');
      await page.fill('#f-mPort', 'x');
      await page.click('#config-save');
      const mVip = page.locator('.field-error[data-key="mVip"]');
      await expect.poll(() => mVip.textContent(), poll).toContain('est obligatoire');
      expect(await mVip.textContent()).toBe(
        `« ${await page.textContent('label[for="f-mVip"]')} » est obligatoire.`,
      );
      expect(await page.textContent('.field-error[data-key="mPort"]')).toContain(
        'doit être un nombre',
      );
      expect(await page.textContent('#config-error')).toContain('champ(s) à corriger');
      expect(await page.textContent('#detail')).toMatch(/il y a|maintenant/);
      expect(await axe(page)).toEqual([]);
      await screenshot(page, 'fr');
      await page.selectOption('#locale', 'en');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await expect.poll(() => page.textContent('#drivers-h'), poll).toBe('Drivers');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);
});
