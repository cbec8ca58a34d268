/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../testing/chromium.js';
import { axe, sharedBrowser } from './__fixtures__/browser.js';
import { openUi, poll } from './__fixtures__/session.js';

/** The Members view (cluster mode) in headless Chromium over the fake runtime. */
describe.skipIf(!chromiumAvailable())('admin web UI: cluster members', () => {
  const browser = sharedBrowser();

  it('lists members with health, leader and owned resources; a standalone server says so', async () => {
    const ui = await openUi(browser(), { role: 'viewer' });
    const { page, runtime } = ui;
    try {
      await page.click('nav a[data-view="members"]');
      await expect.poll(() => page.isVisible('#members-standalone'), poll).toBe(true);
      Object.assign(runtime, {
        cluster: {
          memberId: 'a',
          members: async () => [
            {
              memberId: 'a',
              url: 'http://127.0.0.1:7401',
              alive: true,
              leader: true,
              startedAt: '2026-01-01T00:00:00.000Z',
              lastHeartbeat: '2026-01-01T00:00:09.000Z',
              resources: ['pool-1'],
              self: true,
            },
            {
              memberId: 'b',
              url: '',
              alive: false,
              leader: false,
              startedAt: '2026-01-01T00:00:00.000Z',
              lastHeartbeat: '2026-01-01T00:00:01.000Z',
              resources: [],
              self: false,
            },
          ],
        },
      });
      await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
      const rows = page.locator('#members tbody tr');
      await expect.poll(() => rows.count(), poll).toBe(2);
      expect(await page.isHidden('#members-standalone')).toBe(true);
      expect(await rows.nth(0).textContent()).toMatch(/a \(this server\)\s*alive\s*leader/);
      expect(await rows.nth(0).locator('a').getAttribute('href')).toBe('#/resources/pool-1');
      expect(await rows.nth(1).getAttribute('data-alive')).toBe('false');
      expect(await axe(page)).toEqual([]);
      expect(ui.pageErrors).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
