// The session-level voter screens. The idle warning with the real host timers (60 s idle, then 30 s warning): the overlay counts
// down to the host's deadline, "I'm still here" (session.touch) takes it away and keeps the
// session; ordinary taps also count as presence. A host without a voting service is enough
// (the welcome screen stands in for the voter screens), so this starts in a second.
import axeCore from 'axe-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_MS } from '../../src/main/session/machine.js';
import { memoryLogger } from '../../src/shared/log.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import { rpc, startTestKiosk, type TestKiosk } from '../support/kiosk.js';

const VIEWPORTS = {
  portrait: { width: 1080, height: 1920 },
  landscape: { width: 1920, height: 1080 },
} as const;

describe('idle warning', () => {
  let kiosk: TestKiosk;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    [kiosk, browser] = await Promise.all([
      startTestKiosk('dist/renderer', memoryLogger()),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: VIEWPORTS.portrait });
    await page.goto(kiosk.host.appUrl);
    await page.locator('[data-screen="attract"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.close();
  });

  it('warns an idle voter with a countdown; "I\'m still here" keeps the session', async () => {
    const person = kiosk.devices.welcomePerson.id;
    // The host's idle timer starts at the card read, so no earlier than this.
    const insertedAt = Date.now();
    expect(await rpc(kiosk.host, 'dock.insertCard', { personId: person })).toMatchObject({
      ok: true,
    });
    await page.locator('[data-screen="welcome"]').waitFor();
    const dialog = page.locator('[data-screen="idle"]');
    await dialog.waitFor({ timeout: IDLE_MS + 15_000 });
    expect(Date.now() - insertedAt).toBeGreaterThanOrEqual(IDLE_MS - 100);
    // The countdown is the host's deadline, in whole seconds (30 s warning).
    const seconds = async () =>
      Number(/(\d+)/.exec((await page.locator('#idle-lead').textContent()) ?? '')?.[1]);
    const first = await seconds();
    expect(first).toBeGreaterThan(20);
    expect(first).toBeLessThanOrEqual(30);
    // The screen behind the dialog is out of reach of touch, keys and switches.
    expect(await page.locator('.screen-host').getAttribute('inert')).not.toBeNull();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'still-here',
    );

    for (const [orientation, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `voter-idle-${orientation}-be.png`) });
    }
    await page.setViewportSize(VIEWPORTS.portrait);
    await page.evaluate(axeCore.source);
    const violations = await page.evaluate(() =>
      (window as unknown as { axe: typeof axeCore }).axe
        .run(document, { rules: { 'target-size': { enabled: true } }, resultTypes: ['violations'] })
        .then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')),
    );
    expect(violations.map((v) => v.id)).toEqual([]);
    await expect.poll(seconds).toBeLessThan(first);

    // Enter is switch 2: it presses the focused "I'm still here".
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const session = (await rpc(kiosk.host, 'session.get', {})) as {
      value: { state: string; idleWarningUntil?: number | null };
    };
    expect(session.value.state).toBe('welcome');
    expect(session.value.idleWarningUntil ?? null).toBeNull();
  });

  it('shows the same warning in Russian and English (screenshots)', async () => {
    // A language change is itself presence (the host restarts the idle timer), so a real
    // warning in three languages would take three idle minutes. Instead the host's session
    // events are passed through with a deadline added, as the host would send them.
    await page.routeWebSocket(/\/events$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        const e = JSON.parse(String(m)) as { type: string; session?: { state: string } };
        if (e.type === 'session' && e.session?.state === 'welcome') {
          ws.send(
            JSON.stringify({
              ...e,
              session: { ...e.session, idleWarningUntil: Date.now() + 25_000 },
            }),
          );
        } else ws.send(m);
      });
    });
    await page.goto('about:blank');
    await page.goto(kiosk.host.appUrl);
    await page.locator('[data-screen="welcome"]').waitFor();
    for (const lang of ['ru', 'en'] as const) {
      await rpc(kiosk.host, 'session.setLanguage', { language: lang });
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await page.locator('[data-screen="idle"]').waitFor();
      for (const [orientation, size] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(size);
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `voter-idle-${orientation}-${lang}.png`),
        });
      }
    }
    await page.setViewportSize(VIEWPORTS.portrait);
    await rpc(kiosk.host, 'dock.removeCard', {});
    await page.locator('[data-screen="attract"]').waitFor();
  });

  it('shows each eligibility refusal with its way out (screenshots, axe)', async () => {
    // Every sample card is on the demo roll, so the refusals come from the host's session
    // view shape with the verdict set, as the voting service would set it.
    let reason = 'not-on-roll';
    await page.unrouteAll();
    await page.routeWebSocket(/\/events$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        const e = JSON.parse(String(m)) as { type: string; session?: { state: string } };
        if (e.type === 'session' && e.session?.state === 'welcome') {
          ws.send(
            JSON.stringify({
              ...e,
              session: { ...e.session, eligibility: { status: 'refused', reason } },
            }),
          );
        } else ws.send(m);
      });
    });
    await page.goto('about:blank');
    await page.goto(kiosk.host.appUrl);
    await page.locator('[data-screen="attract"]').waitFor();
    await page.evaluate(axeCore.source);
    for (const r of ['not-on-roll', 'document-expired', 'nothing-to-vote']) {
      reason = r;
      await rpc(kiosk.host, 'dock.insertCard', { personId: kiosk.devices.welcomePerson.id });
      const screen = page.locator(`[data-screen="eligibility"][data-reason="${r}"]`);
      await screen.waitFor();
      for (const lang of ['be', 'ru', 'en'] as const) {
        await rpc(kiosk.host, 'session.setLanguage', { language: lang });
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
        for (const [orientation, size] of Object.entries(VIEWPORTS)) {
          await page.setViewportSize(size);
          await page.screenshot({
            path: join(SCREENSHOT_DIR, `voter-eligibility-${r}-${orientation}-${lang}.png`),
            fullPage: true,
          });
        }
      }
      await page.setViewportSize(VIEWPORTS.portrait);
      const violations = await page.evaluate(() =>
        (window as unknown as { axe: typeof axeCore }).axe
          .run(document, { resultTypes: ['violations'] })
          .then((x) =>
            x.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
          ),
      );
      expect(violations.map((v) => v.id)).toEqual([]);
      // No control of the voter flow is offered: the way out is the card.
      expect(await screen.locator('button').count()).toBe(0);
      await rpc(kiosk.host, 'dock.removeCard', {});
      await page.locator('[data-screen="attract"]').waitFor();
    }
  });
});
