// The walking skeleton end to end: host with simulated devices, the real renderer in
// Chromium, a card inserted through the dock's API, the welcome in each language.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/main/host.js';
import { memoryLogger } from '../../src/shared/log.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import type { TestDevices } from '../support/devices.js';
import { rpc, startTestKiosk, type TestKiosk } from '../support/kiosk.js';

const RENDERER = 'dist/renderer-demo';

describe('walking skeleton in Chromium', () => {
  let host: Host;
  let browser: Browser;
  let page: Page;
  let devices: TestDevices;
  let kiosk: TestKiosk;
  const log = memoryLogger();

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    kiosk = await startTestKiosk(RENDERER, log);
    host = kiosk.host;
    devices = kiosk.devices;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(host.appUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.close();
  });

  it('shows the attract screen, then greets the card holder in be, ru and en', async () => {
    await page.locator('[data-screen="attract"]').waitFor();
    // The token left the address bar as soon as the page read it.
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'skeleton-attract-be.png') });

    const person = devices.welcomePerson;
    expect(await rpc(host, 'dock.insertCard', { personId: person.id })).toMatchObject({ ok: true });
    const heading = page.locator('[data-screen="welcome"] h1');
    await heading.waitFor();

    const expected = { be: 'Вітаем', ru: 'Здравствуйте', en: 'Welcome' } as const;
    for (const lang of ['be', 'ru', 'en'] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => heading.textContent()).toBe(`${expected[lang]}, ${person.greeting}`);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `skeleton-welcome-${lang}.png`) });
    }

    expect(await rpc(host, 'dock.removeCard', {})).toMatchObject({ ok: true });
    await page.locator('[data-screen="attract"]').waitFor();
    // Settings reset for the next voter.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('be');
  });

  it('tells the voter plainly when the document has expired', async () => {
    await rpc(host, 'dock.insertCard', { personId: devices.expiredPersonId });
    await page.locator('[data-screen="card-error"]').waitFor();
    await page.getByTestId('lang-en').click();
    await expect
      .poll(() => page.locator('[data-screen="card-error"] .lead').textContent())
      .toBe('This document has expired. Please use a valid ID card, or ask the staff for help.');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'skeleton-card-expired-en.png') });
    await rpc(host, 'dock.removeCard', {});
    await page.locator('[data-screen="attract"]').waitFor();
  });

  it('says "read badly" for garbage bytes and recovers on the next good read', async () => {
    await rpc(host, 'dock.injectCardBytes', { hex: devices.garbageHex });
    await page.locator('[data-screen="card-error"]').waitFor();
    await page.getByTestId('lang-ru').click();
    await expect
      .poll(() => page.locator('[data-screen="card-error"] .lead').textContent())
      .toBe('Карта прочитана плохо. Извлеките её и попробуйте ещё раз.');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'skeleton-card-read-badly-ru.png') });
    await rpc(host, 'dock.insertCard', { personId: devices.welcomePerson.id });
    await page.locator('[data-screen="welcome"]').waitFor();
    await rpc(host, 'dock.removeCard', {});
    await page.locator('[data-screen="attract"]').waitFor();
  });

  it('keeps identity out of the logs', () => {
    const text = JSON.stringify(log.lines);
    for (const secret of devices.identityStrings) expect(text).not.toContain(secret);
  });
});

describe('renderer bundles', () => {
  const bundleText = (dir: string) =>
    readdirSync(join(dir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(dir, 'assets', f), 'utf8'))
      .join('\n');

  it('contain no Node built-ins', () => {
    for (const dir of ['dist/renderer', 'dist/renderer-demo']) {
      const js = bundleText(dir);
      expect(js).not.toMatch(
        /\brequire\(["'](?:node:)?(fs|path|child_process|net|os|crypto|http)["']\)/,
      );
      expect(js).not.toMatch(/from\s*["']node:/);
      expect(js).not.toMatch(/\bprocess\.(?:env|binding|versions)\b/);
    }
  });

  it('ship the dev dock only in the demo build', () => {
    expect(bundleText('dist/renderer')).not.toContain('Developer dock');
    expect(bundleText('dist/renderer-demo')).toContain('Developer dock');
  });
});
