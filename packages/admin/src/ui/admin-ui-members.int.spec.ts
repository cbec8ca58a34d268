/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../testing/chromium.js';
import { fakeCluster } from '../testing/fake-cluster.js';
import { axe, sharedBrowser } from './__fixtures__/browser.js';
import { openUi, poll } from './__fixtures__/session.js';

const SF = 'com.example.solidfire';

/** The Members view (cluster mode) in headless Chromium over the fake runtime. */
describe.skipIf(!chromiumAvailable())('admin web UI: cluster members', () => {
  const browser = sharedBrowser();

  it('lists members with health, leader, owned resources and drivers; a standalone server says so; the driver detail shows it per member', async () => {
    const ui = await openUi(browser(), { role: 'viewer' });
    const { page, runtime } = ui;
    try {
      await page.click('nav a[data-view="members"]');
      await expect.poll(() => page.isVisible('#members-standalone'), poll).toBe(true);
      // `a` owns pool-1 only as a fallback; `b` (stale) publishes no channel URL.
      Object.assign(runtime, {
        cluster: fakeCluster({ owned: ['pool-1'], fallback: ['pool-1'], urlOfB: '' }),
      });
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
      const rows = page.locator('#members tbody tr');
      await expect.poll(() => rows.count(), poll).toBe(2);
      expect(await page.isHidden('#members-standalone')).toBe(true);
      expect(await rows.nth(0).textContent()).toMatch(/a \(this server\)\s*alive\s*leader/);
      expect(await rows.nth(0).locator('a').getAttribute('href')).toBe('#/resources/pool-1');
      expect(await rows.nth(0).locator('td.drivers').textContent()).toBe('2 Running');
      expect(await rows.nth(1).getAttribute('data-alive')).toBe('false');
      expect(await rows.nth(1).textContent()).toMatch(/b\s*stale/);
      expect(await rows.nth(1).locator('td.drivers').textContent()).toBe('1 Failed');
      expect(await page.textContent('[data-stale="b"]')).toMatch(/b is stale/);
      expect(await page.textContent('[data-fallback="a"]')).toMatch(/only as a fallback.*pool-1/);
      expect(await axe(page)).toEqual([]);
      // The resource detail names its owner, here only a fallback one.
      await page.goto(`${ui.base}/#/resources/pool-1`);
      await expect.poll(() => page.isVisible('#resource-owner'), poll).toBe(true);
      expect(await page.textContent('#resource-owner')).toMatch(
        /^Owned by member a as a fallback: no live member runs com\.example\.solidfire@/,
      );
      expect(await page.getAttribute('#resource-owner', 'data-owner-fallback')).toBe('true');
      expect(await axe(page)).toEqual([]);
      // A resource with no live owner shows none.
      await page.goto(`${ui.base}/#/resources/pool-2`);
      await expect.poll(() => page.textContent('#resource-title'), poll).toMatch(/pool-2/);
      expect(await page.isHidden('#resource-owner')).toBe(true);
      // The driver detail shows the driver on every member.
      await page.goto(`${ui.base}/#/drivers/${SF}`);
      const perMember = page.locator('#driver-members tbody tr');
      await expect.poll(() => perMember.count(), poll).toBe(2);
      expect(await perMember.nth(0).textContent()).toMatch(
        /a \(this server\)\s*alive\s*1\.0\.0 \(active\)\s*Running/,
      );
      expect(await perMember.nth(1).textContent()).toMatch(
        /b\s*stale\s*1\.0\.0 \(active\)\s*Failed\s*worker\s*CHASSIS_E_CERT_UNTRUSTED: refused by this member\s*no/,
      );
      expect(await axe(page)).toEqual([]);
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
