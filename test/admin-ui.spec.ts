import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '@chassis/admin/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, uploadCar } from './support/admin-http.js';
import { packSolidFireVariant } from './support/driver-cars.js';
import { type ServedExample, startServe } from './support/serve.js';
import type { DriverView, ResourceView } from './support/views.js';

/**
 * The admin web UI of the real example management server (`main.js serve --admin-port 0`) in
 * headless Chromium: log in with the printed token, read the drivers, get every invalid field
 * reported next to it, and upgrade SolidFire to a version installed over the API while the page
 * follows the live events.
 */

const hasChromium = chromiumAvailable();
const ARTIFACTS = fileURLToPath(new URL('../.reports/ui/', import.meta.url));
const SF = 'com.example.solidfire';

describe.skipIf(!hasChromium)('the example server’s admin web UI in headless Chromium', () => {
  let server: ServedExample | undefined;
  let browser: Browser | undefined;
  let work: string;
  let v110: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'chassis-admin-ui-'));
    // Server, CAR and browser start together: each takes seconds on a busy machine.
    const [s, car, b] = await Promise.allSettled([
      startServe(),
      packSolidFireVariant(work, { version: '1.1.0' }),
      chromium.launch({
        executablePath: CHROMIUM_PATH,
        timeout: 30_000,
        args: [...CHROMIUM_ARGS],
      }),
    ]);
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    for (const r of [s, car, b]) if (r.status === 'rejected') throw r.reason;
    v110 = (car as PromiseFulfilledResult<string>).value;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    const code = await server?.stop();
    await rm(work, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 30_000);

  it('logs in, shows the drivers, reports invalid fields, and upgrades SolidFire live', async () => {
    const s = server!;
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1500 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(15_000);
    const poll = { timeout: 15_000 };
    try {
      await page.goto(`${s.url}/`);

      // A wrong token first: the page says why and shows no data.
      await page.fill('#token', 'not-the-token');
      await page.click('#token-form button[type=submit]');
      await expect
        .poll(() => page.textContent('#message'), poll)
        .toContain('CHASSIS_E_AUTH_INVALID');
      expect(await page.isHidden('#app')).toBe(true);

      // The token the server printed at its first start.
      await page.fill('#token', s.token);
      await page.click('#token-form button[type=submit]');
      const rows = page.locator('#drivers tbody tr');
      await expect.poll(() => rows.count(), poll).toBe(3);
      expect(
        await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-driver-id'))),
      ).toEqual(['com.example.kvm', 'com.example.nvp', SF]);
      expect(await page.locator('#drivers tbody .state .badge').allTextContents()).toEqual([
        'Running',
        'Running',
        'Running',
      ]);
      const sf = page.locator(`#drivers tbody tr[data-driver-id="${SF}"]`);
      expect(await sf.locator('.version').textContent()).toBe('1.0.0');
      expect(await sf.locator('.state .badge').getAttribute('class')).toContain('state-Running');
      await page.waitForSelector('body[data-events="open"]');

      // SolidFire's detail and pool-1's form: labels, required marks, the secret masked.
      await sf.click();
      await page.waitForSelector('#detail:not([hidden])');
      expect(await page.textContent('#detail-title')).toContain(SF);
      await page.click('button.configure[data-resource="pool-1"]');
      await page.waitForSelector('#config-form:not([hidden])');
      expect(await page.textContent('label[for="f-mVip"]')).toBe('Management VIP');
      expect(await page.getAttribute('label[for="f-mVip"]', 'class')).toBe('required');
      expect(await page.getAttribute('#f-clusterAdminPassword', 'type')).toBe('password');
      expect(await page.inputValue('#f-clusterAdminPassword')).toBe('••••••');
      expect(await page.inputValue('#f-mVip')).toBe('10.20.0.10');

      // An invalid configuration: every error lands next to its field; nothing is saved.
      await page.fill('#f-mVip', '');
      await page.fill('#f-mPort', 'not-a-port');
      await page.fill('#f-clusterAdminUsername', '');
      await page.click('#config-form button[type=submit]');
      const error = (key: string) => page.locator(`.field-error[data-key="${key}"]`);
      await expect.poll(() => error('mVip').textContent(), poll).toContain('required');
      expect(await error('mPort').textContent()).toContain('number');
      expect(await error('clusterAdminUsername').textContent()).toContain('required');
      expect(await error('sVip').textContent()).toBe('');
      expect(
        await page
          .locator('#config-fields .field.invalid')
          .evaluateAll((fs) => fs.map((f) => f.getAttribute('data-key')).sort()),
      ).toEqual(['clusterAdminUsername', 'mPort', 'mVip']);
      expect(await page.textContent('#config-error')).toContain('3 field(s)');
      const pool = await adminRequest<ResourceView>(s.url, '/api/resources/pool-1', {
        token: s.token,
      });
      expect(pool.body.configuration).toMatchObject({ mVip: '10.20.0.10', mPort: 443 });

      // 1.1.0 installed over the API appears beside 1.0.0 through the live events ...
      const installed = await uploadCar(s.url, s.token, v110);
      expect(installed.status, installed.text).toBe(201);
      const upgradeButton = page.locator(`#versions button.upgrade[data-version="1.1.0"]`);
      await expect.poll(() => upgradeButton.count(), poll).toBe(1);
      expect(await upgradeButton.textContent()).toBe('Upgrade to 1.1.0');

      // ... and its Upgrade button shows the server's plan (one at a time by default); applying
      // it moves the pool and the page follows without a reload.
      await upgradeButton.click();
      await page.waitForSelector('#upgrade-dialog[open]');
      await expect
        .poll(() => page.textContent('#upgrade-plan'), poll)
        .toContain('From 1.0.0 to 1.1.0');
      expect(await page.isChecked('#policy-one')).toBe(true);
      await page.click('#upgrade-confirm');
      await expect.poll(() => page.textContent('#upgrade-result'), poll).toContain('succeeded');
      await page.click('#upgrade-cancel');
      await expect.poll(() => sf.locator('.version').textContent(), poll).toBe('1.1.0');
      await expect.poll(() => sf.locator('.state .badge').textContent(), poll).toBe('Running');
      await expect
        .poll(() => page.textContent('#events'), poll)
        .toContain(`${SF}@1.0.0: Running → Suspended`);
      await expect
        .poll(() => page.textContent('#events'), poll)
        .toContain(`${SF}@1.0.0: Stopped → Unloaded`);
      await expect
        .poll(
          () =>
            page.locator('#resources tr[data-resource-id="pool-1"] .bound-version').textContent(),
          poll,
        )
        .toBe('1.1.0');
      await expect.poll(() => page.textContent('#message'), poll).toContain('succeeded');
      expect(await page.locator('#versions button.upgrade').count()).toBe(0);
      // The open form keeps the operator's input, and its title follows the bound version.
      await expect.poll(() => page.textContent('#config-title'), poll).toContain(`${SF}@1.1.0`);
      expect(await page.inputValue('#f-mPort')).toBe('not-a-port');

      // The server agrees with the page.
      const detail = await adminRequest<DriverView>(s.url, `/api/drivers/${SF}`, {
        token: s.token,
      });
      expect(detail.body.activeVersion).toBe('1.1.0');
      expect(detail.body.resources?.map((r) => `${r.resource.id}@${r.binding.version}`)).toEqual([
        'pool-1@1.1.0',
      ]);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'admin-ui-real.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
