/// <reference lib="dom" />
// Page functions passed to `evaluate` run in the browser, so they see the DOM globals.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../testing/chromium.js';
import { axe, screenshot, sharedBrowser } from './__fixtures__/browser.js';
import { openUi, poll } from './__fixtures__/session.js';

/**
 * The operator views added for issue 16's leftovers, in headless Chromium over the fake runtime:
 * the repository catalog (search, versions with signer and description, role-aware Install),
 * rolling back to a chosen kept version, and a driver's restarts and start-up recoveries.
 * The catalog search and install is always on; the rest is behind `CHASSIS_TEST_UI_FULL=1`.
 */

const hasChromium = chromiumAvailable();
const full = process.env.CHASSIS_TEST_UI_FULL === '1';
const SF = 'com.example.solidfire';
const KVM = 'com.example.kvm';
const ADMIN = { id: 't', roles: ['admin'] };

describe.skipIf(!hasChromium)('admin web UI: catalog, roll back to a version, restarts', () => {
  const browser = sharedBrowser();

  it('searches the catalog, shows versions with their signer, and installs one', async () => {
    const ui = await openUi(browser());
    const { page } = ui;
    try {
      await page.click('nav a[data-view="catalog"]');
      const entries = page.locator('#catalog .catalog-entry');
      await expect.poll(() => entries.count(), poll).toBe(3);
      await page.fill('#catalog-query', 'solidfire storage');
      await page.press('#catalog-query', 'Enter');
      await expect.poll(() => entries.count(), poll).toBe(1);
      const sf = page.locator(`#catalog .catalog-entry[data-id="${SF}"]`);
      expect(await sf.textContent()).toContain('installed here: 2.0.0');
      expect(await sf.locator('tr[data-version="2.1.0"] .signer').textContent()).toBe(
        'signed by CN=Example Storage Inc.',
      );
      // The installed version offers no Install button; the other one does.
      expect(await sf.locator('tr[data-version="2.0.0"] button').count()).toBe(0);
      expect(await axe(page)).toEqual([]);
      await screenshot(page, 'catalog');
      await sf.locator('button.install-from-catalog[data-version="2.1.0"]').click();
      await expect.poll(() => page.evaluate(() => location.hash), poll).toBe(`#/drivers/${SF}`);
      await expect
        .poll(() => page.locator('#versions tr[data-version="2.1.0"]').count(), poll)
        .toBe(1);

      await page.goto(`${ui.base}/#/catalog`);
      await page.fill('#catalog-query', 'no such thing');
      await page.press('#catalog-query', 'Enter');
      await expect.poll(() => page.textContent('#catalog-empty'), poll).toContain('no such thing');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it.skipIf(!full)(
    'a viewer browses the catalog without Install buttons, in French',
    async () => {
      const ui = await openUi(browser(), { role: 'viewer', locale: 'fr' });
      const { page } = ui;
      try {
        await page.goto(`${ui.base}/#/catalog`);
        await expect.poll(() => page.locator('#catalog .catalog-entry').count(), poll).toBe(3);
        expect(await page.locator('#catalog button').count()).toBe(0);
        expect(await page.textContent('#catalog')).toContain('signé par');
        expect(await axe(page)).toEqual([]);
        expect(ui.pageErrors).toEqual([]);
      } finally {
        await ui.close();
      }
    },
    60_000,
  );

  it.skipIf(!full)(
    'rolls back with the kept-version picker, keyboard only',
    async () => {
      const ui = await openUi(browser());
      const { page, runtime } = ui;
      try {
        // Install 2.1.0, upgrade to it, then pick the kept 2.0.0 in the dialog.
        await runtime.install({ kind: 'repository', id: SF, version: '2.1.0' }, ADMIN);
        await runtime.upgrade(SF, { version: '2.1.0' }, ADMIN);
        await page.goto(`${ui.base}/#/drivers/${SF}`);
        const back = page.locator('#versions button.rollback[data-version="2.0.0"]');
        await expect.poll(() => back.count(), poll).toBe(1);
        await back.focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('#rollback-dialog[open]');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('rollback-version');
        expect(
          await page
            .locator('#rollback-version option')
            .evaluateAll((o) => o.map((x) => x.textContent)),
        ).toEqual(['2.0.0']);
        expect(await axe(page)).toEqual([]);
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        const version = page.locator(`#drivers tr[data-driver-id="${SF}"] .version`);
        await expect.poll(() => version.textContent(), poll).toBe('2.0.0');
        await expect.poll(() => page.locator('#rollback-dialog[open]').count(), poll).toBe(0);
        const record = runtime.upgradeHistory(SF).at(-1);
        expect(record).toMatchObject({ action: 'rollback', from: '2.1.0', to: '2.0.0' });
        expect(ui.pageErrors).toEqual([]);
      } finally {
        await ui.close();
      }
    },
    60_000,
  );

  it.skipIf(!full)(
    'shows restarts given up, restarts after faults and recoveries at start',
    async () => {
      const ui = await openUi(browser());
      const { page, runtime } = ui;
      try {
        const at = new Date().toISOString();
        runtime.setRestarts(KVM, '1.0.0', {
          attempts: 5,
          maxAttempts: 5,
          lastError: {
            name: 'ChassisError',
            code: 'CHASSIS_E_LIFECYCLE_STEP_FAILED',
            message: 'down',
            details: {},
          },
          lastFaultAt: at,
          gaveUp: true,
        });
        runtime.setRestarts(SF, '2.0.0', {
          attempts: 2,
          maxAttempts: 5,
          lastFaultAt: at,
          gaveUp: false,
        });
        runtime.pushRecord({
          id: 'u-recovered',
          action: 'upgrade',
          driverId: KVM,
          from: '1.0.0',
          to: '1.1.0',
          principal: 'alice',
          startedAt: at,
          finishedAt: at,
          result: 'interrupted',
          resources: [],
          recovery: {
            outcome: 'rolled-back',
            resources: [{ id: 'host-1', version: '1.0.0' }],
            active: '1.0.0',
            at,
          },
        });
        await page.goto(`${ui.base}/#/drivers/${KVM}`);
        const failure = page.locator('#failures .failure');
        await expect.poll(() => failure.locator('.attempts').textContent(), poll).toBe('5 of 5');
        expect(await failure.locator('.next-retry').textContent()).toContain('gave up after 5');
        await expect.poll(() => page.isHidden('#recoveries-block'), poll).toBe(false);
        expect(await page.textContent('#recoveries')).toContain(
          'rolled back at start (host-1 → 1.0.0)',
        );
        expect(await axe(page)).toEqual([]);
        await screenshot(page, 'restarts-recovery');

        await page.goto(`${ui.base}/#/drivers/${SF}`);
        await expect
          .poll(() => page.textContent('#restart-notes'), poll)
          .toContain('restarted automatically 2 of 5 times');
        await page.goto(`${ui.base}/#/history`);
        await expect
          .poll(() => page.textContent('#history tr[data-id="u-recovered"]'), poll)
          .toContain('rolled back at start');
        expect(ui.pageErrors).toEqual([]);
      } finally {
        await ui.close();
      }
    },
    60_000,
  );
});
