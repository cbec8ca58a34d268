/// <reference lib="dom" />
// Page functions passed to `evaluate` run in the browser, so they see the DOM globals.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../testing/chromium.js';
import { axe, screenshot, sharedBrowser } from './__fixtures__/browser.js';
import { openUi, poll } from './__fixtures__/session.js';

/**
 * Every lifecycle action of the web UI against the fake runtime: canary upgrade, roll back to a
 * kept version, uninstall a version, check for updates, create / test / pin / delete a resource,
 * install by upload and from the repository, the history, audit and chart views, and 600 px.
 * One browser for the file, a fresh server per test. About a minute on a busy 2-core machine,
 * so behind `CHASSIS_TEST_UI_FULL=1`; `admin-ui.int.spec.ts` is the always-on smoke set.
 */

const hasChromium = process.env.CHASSIS_TEST_UI_FULL === '1' && chromiumAvailable();
const SF = 'com.example.solidfire';

describe.skipIf(!hasChromium)('admin web UI lifecycle actions in headless Chromium', () => {
  const browser = sharedBrowser();
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'chassis-ui-actions-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('upgrades with a canary policy, rolls back to the kept version, uninstalls it, checks for updates', async () => {
    const ui = await openUi(browser());
    const { page, runtime } = ui;
    try {
      // 2.1.0 installed beside 2.0.0, so the server can plan it.
      await runtime.install(
        { kind: 'repository', id: SF, version: '2.1.0' },
        { id: 't', roles: ['admin'] },
      );
      await page.goto(`${ui.base}/#/drivers/${SF}`);
      const up = page.locator('#versions button.upgrade[data-version="2.1.0"]');
      await expect.poll(() => up.count(), poll).toBe(1);
      await up.click();
      await page.waitForSelector('#upgrade-dialog[open]');
      await expect
        .poll(() => page.textContent('#upgrade-plan'), poll)
        .toContain('From 2.0.0 to 2.1.0');
      expect(await page.textContent('#upgrade-plan')).toContain('Same signer');
      await page.check('#policy-canary');
      await page.fill('#canaries', '1');
      await page.dispatchEvent('#canaries', 'change');
      await page.click('#upgrade-confirm');
      await expect.poll(() => page.textContent('#upgrade-result'), poll).toContain('succeeded');
      await page.click('#upgrade-cancel');
      const record = runtime.upgradeHistory(SF).at(-1);
      expect(record?.policy).toEqual({ kind: 'canary', canaries: 1 });

      // Roll back to the kept 2.0.0, chosen and confirmed in the roll-back dialog.
      const back = page.locator('#versions button.rollback[data-version="2.0.0"]');
      await expect.poll(() => back.count(), poll).toBe(1);
      await back.click();
      await page.waitForSelector('#rollback-dialog[open]');
      expect(await page.inputValue('#rollback-version')).toBe('2.0.0');
      await page.click('#rollback-confirm');
      const sf = page.locator(`#drivers tr[data-driver-id="${SF}"] .version`);
      await expect.poll(() => sf.textContent(), poll).toBe('2.0.0');

      // Uninstall the now unused 2.1.0.
      const un = page.locator('#versions button.uninstall-version[data-version="2.1.0"]');
      await expect.poll(() => un.count(), poll).toBe(1);
      await un.click();
      await page.click('#confirm-ok');
      await expect
        .poll(() => page.locator('#versions tr[data-version="2.1.0"]').count(), poll)
        .toBe(0);

      await page.goto(`${ui.base}/#/`);
      await page.click('#check-updates');
      await expect.poll(() => page.textContent('#message'), poll).toContain('update(s) available');

      // The history lists all of it, newest first; the audit trail has the decisions.
      await page.goto(`${ui.base}/#/history`);
      await expect
        .poll(() => page.locator('#history tbody tr').count(), poll)
        .toBeGreaterThanOrEqual(4);
      expect(await page.textContent('#history tbody tr:first-child')).toContain('Uninstall');
      expect(await page.textContent('#history')).toContain('canary 1');
      await page.goto(`${ui.base}/#/audit`);
      await expect.poll(() => page.textContent('#audit'), poll).toContain('drivers.rollback');
      expect(await axe(page)).toEqual([]);
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it('asks for a partial upgrade of only the checked resources', async () => {
    const ui = await openUi(browser());
    const { page, runtime } = ui;
    try {
      await runtime.install(
        { kind: 'repository', id: SF, version: '2.1.0' },
        { id: 't', roles: ['admin'] },
      );
      await page.goto(`${ui.base}/#/drivers/${SF}`);
      const up = page.locator('#versions button.upgrade[data-version="2.1.0"]');
      await expect.poll(() => up.count(), poll).toBe(1);
      await up.click();
      await page.waitForSelector('#upgrade-dialog[open] #move-pool-2');
      await page.uncheck('#move-pool-2');
      const sent = page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith('/upgrade'),
      );
      await page.click('#upgrade-confirm');
      // The fake runtime moves the whole driver whatever it is asked (the real runtime's partial
      // upgrade is tested in the runtime and admin packages); the UI's part is the request.
      expect((await sent).postDataJSON()).toEqual({
        version: '2.1.0',
        policy: { kind: 'one-at-a-time' },
        resources: ['pool-1'],
      });
      await expect.poll(() => page.textContent('#upgrade-result'), poll).toContain('succeeded');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it('creates a resource (errors next to the fields first), tests, pins and deletes it', async () => {
    const ui = await openUi(browser());
    const { page, runtime } = ui;
    try {
      await page.goto(`${ui.base}/#/drivers/${SF}`);
      await page.click('#new-resource-here');
      await page.waitForSelector('#create-form:not([hidden]) #c-mVip');
      expect(await page.inputValue('#create-driver')).toBe(SF);
      await page.click('#create-form button[type=submit]');
      expect(await page.getAttribute('#create-id', 'aria-invalid')).toBe('true');
      expect(await page.textContent('#create-error')).toContain('Id');
      await page.fill('#create-id', 'pool-9');
      await page.click('#create-form button[type=submit]');
      await expect.poll(() => page.getAttribute('#c-mVip', 'aria-invalid'), poll).toBe('true');
      expect(await page.textContent('.field-error[data-key="mVip"]')).toContain('required');
      expect(await axe(page)).toEqual([]);
      await page.fill('#c-mVip', '10.9.9.9');
      await page.fill('#c-clusterAdminUsername', 'admin');
      await page.fill('#c-clusterAdminPassword', 'pw');
      await page.click('#create-form button[type=submit]');
      await expect.poll(() => page.evaluate(() => location.hash), poll).toBe('#/resources/pool-9');
      expect(runtime.getResource('pool-9').configuration.mVip).toBe('10.9.9.9');

      // Test: the health check, then an operation the contract does not mark safe.
      await page.click('#test-run');
      await expect
        .poll(() => page.textContent('#test-result'), poll)
        .toContain('The resource answered (health');
      await page.fill('#test-operation', 'createVolume');
      await page.click('#test-run');
      await expect
        .poll(() => page.textContent('#test-result'), poll)
        .toContain('CHASSIS_E_RESOURCE_OP_NOT_SAFE');
      expect(await page.textContent('#test-result')).toContain('Operations allowed here');

      // Delete, confirmed.
      await page.click('#delete-resource');
      await page.waitForSelector('#confirm-dialog[open]');
      await page.click('#confirm-ok');
      await expect
        .poll(() => page.locator('#resources tr[data-resource-id="pool-9"]').count(), poll)
        .toBe(0);
      expect(() => runtime.getResource('pool-9')).toThrow();

      // Pin pool-1 to a second installed version: it moves and stays there.
      await runtime.install(
        { kind: 'repository', id: SF, version: '2.1.0' },
        { id: 't', roles: ['admin'] },
      );
      await page.goto(`${ui.base}/#/resources/pool-1`);
      await expect.poll(() => page.locator('#pin-version option').count(), poll).toBe(2);
      await page.selectOption('#pin-version', '2.1.0');
      await page.click('#pin-form button[type=submit]');
      await expect.poll(() => runtime.getResource('pool-1').binding.version, poll).toBe('2.1.0');
      expect(runtime.getResource('pool-1').pinned).toBe(true);
      await expect
        .poll(() => page.textContent('#resources tr[data-resource-id="pool-1"]'), poll)
        .toContain('pinned');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it('installs by upload and from the repository by id', async () => {
    const ui = await openUi(browser());
    const { page } = ui;
    try {
      const car = await buildFixtureCar(work, { id: 'com.example.uploaded', version: '1.0.0' });
      await page.goto(`${ui.base}/#/install`);
      await page.click('#upload-form button[type=submit]');
      expect(await page.getAttribute('#car-file', 'aria-invalid')).toBe('true');
      await page.setInputFiles('#car-file', car);
      await page.click('#upload-form button[type=submit]');
      await expect
        .poll(() => page.evaluate(() => location.hash), poll)
        .toBe('#/drivers/com.example.uploaded');
      await expect
        .poll(() => page.textContent('#detail-title'), poll)
        .toContain('com.example.uploaded');

      await page.goto(`${ui.base}/#/install`);
      await page.fill('#repo-id', 'com.example.nope');
      await page.click('#repo-form button[type=submit]');
      await expect
        .poll(() => page.textContent('#repo-error'), poll)
        .toContain('CHASSIS_E_REPO_DRIVER_NOT_FOUND');
      await page.fill('#repo-id', SF);
      await page.fill('#repo-version', '2.1.0');
      await page.click('#repo-form button[type=submit]');
      await expect
        .poll(() => page.locator('#versions tr[data-version="2.1.0"]').count(), poll)
        .toBe(1);
      // The install page points to the catalog view (admin-ui-catalog.int.spec.ts tests it).
      await page.goto(`${ui.base}/#/install`);
      expect(await page.getAttribute('a[data-i18n="install.browseCatalog"]', 'href')).toBe(
        '#/catalog',
      );
      expect(await axe(page)).toEqual([]);
      await screenshot(page, 'install');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);

  it('draws per-driver charts from the metrics history and stays usable at 600 px', async () => {
    const ui = await openUi(browser(), {
      width: 600,
      server: { metricsHistory: { intervalMs: 100 } },
    });
    const { page } = ui;
    try {
      await page.goto(`${ui.base}/#/metrics`);
      await page.selectOption('#chart-driver', SF);
      await expect.poll(() => page.locator('#charts .uplot canvas').count(), poll).toBe(4);
      expect(await page.textContent('#charts')).toContain('Latency percentiles');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        600,
      );
      await screenshot(page, 'charts-600');
      await page.goto(`${ui.base}/#/resources/pool-1`);
      await page.waitForSelector('#config-form:not([hidden])');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        600,
      );
      expect(await axe(page)).toEqual([]);
      await screenshot(page, 'resource-600');
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 60_000);
});
