// The accessible UI kit in Chromium against the production renderer: axe on every screen and
// the settings panel in every theme, text size and orientation; no sideways scrolling; big
// targets; the touch-activation rule with real mouse and touch input; switch scanning; audio
// guidance through an injected speech engine; and settings reset when the card comes out.
import { AxeBuilder } from '@axe-core/playwright';
import axeCore, { type Result } from 'axe-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/main/host.js';
import { memoryLogger } from '../../src/shared/log.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import type { TestDevices } from '../support/devices.js';
import { rpc, startTestKiosk, type TestKiosk } from '../support/kiosk.js';

// What a kiosk ships (no dev dock); the host still has the simulator dock's RPC.
const RENDERER = 'dist/renderer';
const VIEWPORTS = {
  portrait: { width: 1080, height: 1920 },
  landscape: { width: 1920, height: 1080 },
} as const;
const THEMES = ['standard', 'contrast-dark', 'contrast-light'] as const;
const SIZES = ['standard', 'large', 'largest'] as const;
const MIN_TARGET = 72;

interface Finding {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

const AXE_OPTIONS: axeCore.RunOptions = {
  // WCAG 2.2 target size is off by default in axe; the kit promises far more than its 24 px.
  rules: { 'target-size': { enabled: true } },
  resultTypes: ['violations'],
};

function findings(violations: Result[], label: string): Finding[] {
  const all: Finding[] = violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
  if (all.length > 0) console.log(`axe ${label}:`, JSON.stringify(all, null, 1));
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Runs axe through @axe-core/playwright; returns the serious and critical violations. */
async function axe(page: Page, label: string): Promise<Finding[]> {
  const result = await new AxeBuilder({ page }).options(AXE_OPTIONS).analyze();
  return findings(result.violations, label);
}

/** The same axe-core run without re-injecting axe each time (the builder re-injects its
 * half-megabyte script per call, too slow for the 54-combination matrix). */
async function axeInPage(page: Page, label: string): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeCore.source);
  const violations = await page.evaluate(
    (options) =>
      (window as unknown as { axe: typeof axeCore }).axe
        .run(document, options)
        .then((r) => r.violations),
    AXE_OPTIONS,
  );
  return findings(violations, label);
}

/** Waits for colour transitions to end, so axe measures the final colours. */
async function settle(page: Page) {
  await expect.poll(() => page.evaluate(() => document.getAnimations().length)).toBe(0);
}

/** Horizontal overflow, measured two ways: the document's scroll width, and any visible
 * element poking out of the viewport (overflow-x: hidden would otherwise mask a clipped one). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const outside = Array.from(document.querySelectorAll('body *'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.bottom < -100) return false; // skip link parked
        return r.right > w + 0.5 || r.left < -0.5;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, outside };
  });
}

/** Visible controls smaller than the kit's minimum. */
async function smallTargets(page: Page, min: number) {
  return page.evaluate((m) => {
    return Array.from(document.querySelectorAll('button, a[href]'))
      .filter((el) => el.getClientRects().length > 0 && !el.classList.contains('skip-link'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < m || r.height < m)
      .map(({ el, r }) => `${el.textContent} ${r.width}x${r.height}`);
  }, min);
}

async function openPanel(page: Page) {
  const toggle = page.getByTestId('a11y-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByTestId('a11y-panel').waitFor();
}

const rootData = (page: Page) =>
  page.evaluate(() => ({
    theme: document.documentElement.dataset['theme'],
    textSize: document.documentElement.dataset['textSize'],
    motion: document.documentElement.dataset['motion'],
    fontSize: document.documentElement.style.fontSize,
  }));

describe('accessible UI kit in Chromium', () => {
  let host: Host;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let devices: TestDevices;
  let kiosk: TestKiosk;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const log = memoryLogger();
    kiosk = await startTestKiosk(RENDERER, log);
    host = kiosk.host;
    devices = kiosk.devices;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORTS.portrait, hasTouch: true });
    page = await context.newPage();
    await page.goto(host.appUrl);
    await page.locator('[data-screen="attract"]').waitFor();
  });

  /** Ends whatever session is on screen at once (a card error would otherwise wait 20 s):
   * a good card read, then the card out. */
  async function toAttract() {
    await rpc(host, 'dock.insertCard', { personId: devices.welcomePerson.id });
    await page.locator('[data-screen="welcome"]').waitFor();
    await rpc(host, 'dock.removeCard', {});
    await page.locator('[data-screen="attract"]').waitFor();
  }

  afterAll(async () => {
    await browser?.close();
    await kiosk?.close();
  });

  it('detects sideways overflow when there is some (the check below can fail)', async () => {
    await page.evaluate(() => {
      const wide = document.createElement('div');
      wide.id = 'too-wide';
      wide.style.width = '3000px';
      wide.style.height = '10px';
      document.getElementById('main')?.append(wide);
    });
    const o = await overflow(page);
    expect(o.scrollWidth > o.innerWidth || o.outside.length > 0).toBe(true);
    await page.evaluate(() => document.getElementById('too-wide')?.remove());
  });

  it('passes axe with no serious or critical violations on every screen, theme, size and orientation', async () => {
    const screens = [
      { name: 'attract', language: 'be', enter: () => toAttract() },
      {
        name: 'welcome',
        language: 'ru',
        enter: async () => {
          await toAttract();
          await rpc(host, 'dock.insertCard', { personId: devices.welcomePerson.id });
        },
      },
      {
        // The host clears a card error after 20 s, so it is entered afresh per orientation.
        name: 'card-error',
        language: 'en',
        enter: async () => {
          await toAttract();
          await rpc(host, 'dock.injectCardBytes', { hex: devices.garbageHex });
        },
      },
    ] as const;
    const failures: string[] = [];
    const report = (label: string, found: Finding[]) => {
      for (const v of found) failures.push(`${label}: ${v.id} (${v.help}) ${v.nodes.join(', ')}`);
    };
    for (const screen of screens) {
      for (const [orientation, viewport] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(viewport);
        await screen.enter();
        await page.locator(`[data-screen="${screen.name}"]`).waitFor();
        if (screen.language !== 'be') await page.getByTestId(`lang-${screen.language}`).click();
        // The screen on its own, then with the panel open through @axe-core/playwright.
        await settle(page);
        const closed = `${screen.name}-${orientation}-closed`;
        report(closed, await axeInPage(page, closed));
        await openPanel(page);
        await settle(page);
        const panel = `${screen.name}-${orientation}-panel`;
        report(panel, await axe(page, panel));
        // Motion off for the matrix: colour transitions would only make axe wait (and the
        // reduced-motion control is itself part of the page axe checks).
        await page.getByTestId('motion-reduce-on').click();
        // Then every theme × text size, with the same axe-core engine already in the page.
        for (const theme of THEMES) {
          await page.getByTestId(`theme-${theme}`).click();
          for (const size of SIZES) {
            await page.getByTestId(`text-size-${size}`).click();
            await expect.poll(() => rootData(page)).toMatchObject({ theme, textSize: size });
            await settle(page);
            const label = `${screen.name}-${orientation}-${theme}-${size}`;
            expect(await page.locator(`[data-screen="${screen.name}"]`).count(), label).toBe(1);
            report(label, await axeInPage(page, label));
            const o = await overflow(page);
            if (o.scrollWidth > o.innerWidth || o.outside.length > 0) {
              failures.push(`${label}: horizontal overflow ${JSON.stringify(o)}`);
            }
            const small = await smallTargets(page, MIN_TARGET);
            if (small.length > 0) failures.push(`${label}: small targets ${small.join('; ')}`);
            await page.screenshot({ path: join(SCREENSHOT_DIR, `a11y-${label}.png`) });
          }
        }
      }
    }
    await page.setViewportSize(VIEWPORTS.portrait);
    await toAttract();
    expect(failures).toEqual([]);
  });

  it('activates a touch target only when the press starts and ends inside it (mouse)', async () => {
    await openPanel(page);
    const large = page.getByTestId('text-size-large');
    const dark = page.getByTestId('theme-contrast-dark');
    const box = await large.boundingBox();
    const darkBox = await dark.boundingBox();
    if (box === null || darkBox === null) throw new Error('no box');
    const centre = (b: typeof box) => [b.x + b.width / 2, b.y + b.height / 2] as const;

    // Down inside, slide out, up outside: nothing.
    await page.mouse.move(...centre(box));
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 150, { steps: 5 });
    await page.mouse.up();
    expect(await large.getAttribute('aria-pressed')).toBe('false');
    // Down on another target, slide across this one, up inside it: neither activates.
    await page.mouse.move(...centre(darkBox));
    await page.mouse.down();
    await page.mouse.move(...centre(box), { steps: 8 });
    await page.mouse.up();
    expect(await large.getAttribute('aria-pressed')).toBe('false');
    expect(await dark.getAttribute('aria-pressed')).toBe('false');
    expect(await rootData(page)).toMatchObject({ theme: 'standard', textSize: 'standard' });
    // A deliberate press: activates.
    await page.mouse.move(...centre(box));
    await page.mouse.down();
    await page.mouse.up();
    expect(await large.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('text-size-standard').click();
  });

  it('applies the same rule to real touch input', async () => {
    await openPanel(page);
    const cdp = await context.newCDPSession(page);
    const light = page.getByTestId('theme-contrast-light');
    const box = await light.boundingBox();
    if (box === null) throw new Error('no box');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const touch = (
      type: 'touchStart' | 'touchMove' | 'touchEnd',
      points: { x: number; y: number }[],
    ) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });

    await touch('touchStart', [{ x, y }]);
    await touch('touchMove', [{ x: x + box.width, y }]);
    await touch('touchMove', [{ x: x + box.width * 2, y }]);
    await touch('touchEnd', []);
    expect(await light.getAttribute('aria-pressed')).toBe('false');

    // A short wobble off the edge onto the neighbour: Chromium still makes this a tap and
    // clicks whatever is under the lift-off point (a plain <button> would fire here).
    const large = page.getByTestId('text-size-large');
    const largest = page.getByTestId('text-size-largest');
    const lb = await large.boundingBox();
    const nb = await largest.boundingBox();
    if (lb === null || nb === null) throw new Error('no box');
    const ly = lb.y + lb.height / 2;
    await touch('touchStart', [{ x: lb.x + lb.width - 3, y: ly }]);
    await touch('touchMove', [{ x: nb.x + 4, y: ly }]);
    await touch('touchEnd', []);
    await page.waitForTimeout(150); // a click, if any, follows the touch end asynchronously
    expect(await large.getAttribute('aria-pressed')).toBe('false');
    expect(await largest.getAttribute('aria-pressed')).toBe('false');

    await touch('touchStart', [{ x, y }]);
    await touch('touchEnd', []);
    await expect.poll(() => light.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('theme-standard').click();
    await cdp.detach();
  });

  it('activates with Enter; Space moves on (switch 1) and never activates', async () => {
    await openPanel(page);
    const large = page.getByTestId('text-size-large');
    await large.focus();
    await page.keyboard.press('Space');
    expect(await large.getAttribute('aria-pressed')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'text-size-largest',
    );
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    expect(await large.getAttribute('aria-pressed')).toBe('true');
    expect((await rootData(page)).fontSize).toBe(`${22 * 1.3}px`);
    await page.getByTestId('text-size-standard').click();
  });

  it('reaches every control with switch 1 in document order, wraps, and selects with switch 2', async () => {
    await rpc(host, 'dock.insertCard', { personId: devices.welcomePerson.id });
    await page.locator('[data-screen="welcome"]').waitFor();
    await openPanel(page);
    await page.getByTestId('audio-on').click(); // shows the volume and speed controls too
    await page.getByTestId('volume-up').waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    const expected = await page.evaluate(() =>
      Array.from(document.querySelectorAll('a[href], button')).map(
        (el) => el.getAttribute('data-testid') ?? el.textContent,
      ),
    );
    expect(expected.length).toBeGreaterThan(20);
    const visited: (string | null)[] = [];
    for (let i = 0; i <= expected.length; i++) {
      await page.keyboard.press('Space');
      const now = await page.evaluate(() => {
        const el = document.activeElement;
        const style = el === null ? null : getComputedStyle(el);
        return {
          id: el?.getAttribute('data-testid') ?? el?.textContent ?? null,
          ring: style?.outlineWidth,
        };
      });
      visited.push(now.id);
      // The scanning highlight is drawn on every stop.
      expect(now.ring, String(now.id)).toBe('6px');
    }
    expect(visited.slice(0, expected.length)).toEqual(expected);
    expect(visited[expected.length]).toBe(expected[0]); // wrapped around
    expect(visited[0]).toBe('skip-link');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'a11y-scan-skip-link.png') });
    for (let i = 0; i < 8; i++) await page.keyboard.press('Space');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'a11y-scan-highlight.png') });
    await page.keyboard.press('Shift+Tab');
    for (let i = 0; i < 7; i++) await page.keyboard.press('Shift+Space');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'skip-link',
    );

    // Switch 2 on the skip link lands in the screen; switch 1 then continues from there.
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Switch 2 on the toggle closes the panel.
    await page.getByTestId('a11y-toggle').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('a11y-panel').count()).toBe(0);
  });

  it('resets every setting when the card is removed', async () => {
    await page.locator('[data-screen="welcome"]').waitFor();
    await openPanel(page);
    await page.getByTestId('text-size-largest').click();
    await page.getByTestId('theme-contrast-dark').click();
    await page.getByTestId('audio-on').click();
    await page.getByTestId('motion-reduce-on').click();
    expect(await rootData(page)).toEqual({
      theme: 'contrast-dark',
      textSize: 'largest',
      motion: 'reduce',
      fontSize: `${22 * 1.6}px`,
    });
    // Headless Chromium has no voices: the panel says guidance is unavailable.
    await page.getByTestId('audio-unavailable').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'a11y-welcome-before-reset.png') });

    await rpc(host, 'dock.removeCard', {});
    await page.locator('[data-screen="attract"]').waitFor();
    await expect
      .poll(() => rootData(page))
      .toEqual({
        theme: 'standard',
        textSize: 'standard',
        motion: 'full',
        fontSize: '22px',
      });
    expect(await page.getByTestId('a11y-panel').count()).toBe(0);
    expect(await page.getByTestId('a11y-toggle').getAttribute('aria-expanded')).toBe('false');
    await openPanel(page);
    expect(await page.getByTestId('audio-off').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('a11y-done').click();
  });

  it('speaks headings and focused controls in the session language through the speech engine', async () => {
    const speechPage = await context.newPage();
    // A fake Web Speech API with one voice per language, recording what it is asked to say.
    await speechPage.addInitScript(() => {
      const spoken: { text: string; lang: string; volume: number; rate: number }[] = [];
      let cancels = 0;
      const voices = [
        { lang: 'be-BY', name: 'fake-be', default: false },
        { lang: 'ru-RU', name: 'fake-ru', default: false },
        { lang: 'en-GB', name: 'fake-en', default: true },
      ];
      const fake = {
        getVoices: () => voices,
        speak: (u: { text: string; lang: string; volume: number; rate: number }) =>
          spoken.push({ text: u.text, lang: u.lang, volume: u.volume, rate: u.rate }),
        cancel: () => void cancels++,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
      };
      // Plain utterances: the real class only accepts real voices.
      class Utterance {
        lang = '';
        voice: unknown = null;
        volume = 1;
        rate = 1;
        constructor(public text: string) {}
      }
      Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
      Object.defineProperty(window, 'SpeechSynthesisUtterance', {
        value: Utterance,
        configurable: true,
      });
      Object.assign(window, { __speech: { spoken, cancels: () => cancels } });
    });
    await speechPage.goto(host.appUrl);
    await speechPage.locator('[data-screen="attract"]').waitFor();
    const spoken = () =>
      speechPage.evaluate(
        () =>
          (window as unknown as { __speech: { spoken: { text: string; lang: string }[] } }).__speech
            .spoken,
      );

    await openPanel(speechPage);
    expect(await spoken()).toEqual([]); // guidance is off by default
    await speechPage.getByTestId('audio-on').click();
    await expect
      .poll(spoken)
      .toContainEqual(
        expect.objectContaining({ text: 'Вітаем на галасавальным кіёску', lang: 'be-BY' }),
      );
    expect(await speechPage.getByTestId('audio-unavailable').count()).toBe(0);

    // The focused control, with its group's name.
    await speechPage.getByTestId('audio-on').focus();
    await speechPage.keyboard.press('Space');
    await expect
      .poll(async () => (await spoken()).at(-1))
      .toMatchObject({ text: 'Агучванне: Выключана', lang: 'be-BY' });

    // A louder volume is confirmed at that volume.
    await speechPage.getByTestId('volume-up').click();
    await expect
      .poll(async () => (await spoken()).at(-1))
      .toMatchObject({ text: expect.stringMatching(/^Гучнасць: 100\s?%$/), volume: 1 });

    // The heading again, in Russian, when the voter switches language.
    await speechPage.getByTestId('lang-ru').click();
    await expect.poll(spoken).toContainEqual(
      expect.objectContaining({
        text: 'Добро пожаловать к избирательному киоску',
        lang: 'ru-RU',
      }),
    );
    await speechPage.getByTestId('lang-be').click();
    await speechPage.close();
  });
});
