// The staff screens in Chromium against the production renderer: a staff card opens the PIN
// pad instead of a voter session; wrong PINs lock out with growing waits (the host's injected
// clock is advanced, not waited for); poll staff open, pause, resume and close the polls with
// printed reports; reconciliation shows a rejected duplicate and a still-queued ballot, each
// explained; the export verifies; a technician sees diagnostics; axe finds nothing serious;
// and the audit log of the whole run verifies and names every staff action.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../src/main/staff/demo-staff.js';
import { EVENTS } from '../../src/shared/events.js';
import { verifyExport } from '../../src/store/export.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import { ELECTIONS, startStaffKiosk, type StaffTestKiosk } from '../support/staff-kiosk.js';
import { BallotFactory } from '../unit/store/fixtures.js';

const RENDERER = 'dist/renderer';
const E = ELECTIONS[0]?.electionId ?? '';

let k: StaffTestKiosk;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-${name}.png`), fullPage: true });
}

async function seriousAxe(label: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) console.log(`axe ${label}:`, JSON.stringify(bad, null, 1));
  return bad.map((v) => v.id);
}

async function typePin(pin: string): Promise<void> {
  for (const d of pin) await page.getByRole('button', { name: d, exact: true }).click();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const status = () => page.locator('.staff-status').first();

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  k = await startStaffKiosk({ rendererDir: RENDERER, defaultLanguage: 'en' });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  page = await context.newPage();
  await page.goto(k.host.appUrl);
  await page.locator('[data-screen="attract"]').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await k?.close();
});

describe('staff screens', () => {
  it('opens the PIN pad for a staff card and locks out with growing waits', async () => {
    await k.insertStaff(DEMO_STAFF.poll);
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    expect((await k.value('session.get')).state).toBe('attract');
    expect(await seriousAxe('pin pad')).toEqual([]);
    await shot('pin-pad');

    for (let i = 0; i < 2; i++) {
      await typePin('0000');
      await expect.poll(() => status().textContent()).toBe('Wrong PIN.');
    }
    await typePin('0000');
    await expect.poll(() => status().textContent()).toBe('Too many wrong PINs. Try again in 30 s.');
    expect(await page.getByRole('button', { name: '5', exact: true }).isDisabled()).toBe(true);
    await shot('locked');

    k.clock.advance(30_000);
    await expect
      .poll(() => page.getByRole('button', { name: '5', exact: true }).isEnabled())
      .toBe(true);
    await typePin('1111');
    await expect.poll(() => status().textContent()).toBe('Too many wrong PINs. Try again in 60 s.');
    k.clock.advance(60_000);
    await expect
      .poll(() => page.getByRole('button', { name: '5', exact: true }).isEnabled())
      .toBe(true);
    await typePin(DEMO_STAFF.poll.pin);
    await page.getByTestId('staff-who').waitFor();
    expect(await page.getByTestId('staff-who').textContent()).toContain('Poll staff');
  });

  it('runs the polls: open with a zero report, pause, resume; voting follows', async () => {
    const row = page.locator(`[data-election="${E}"]`);
    await row.getByRole('button', { name: 'Open polls' }).click();
    await expect.poll(() => status().textContent()).toContain('Zero report printed: 0 ballots');
    expect(k.staff.canVote(E)).toBe(true);
    expect(JSON.stringify(k.printed.at(-1))).toContain('ZERO REPORT');
    await shot('polls-open');
    expect(await seriousAxe('polls')).toEqual([]);

    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('Paused').waitFor();
    expect(k.staff.canVote(E)).toBe(false);
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('Open — voting').waitFor();
    expect(k.staff.canVote(E)).toBe(true);
  });

  it('reconciles: a rejected duplicate and a queued ballot are explained; export verifies', async () => {
    // Three ballots recorded while the polls were open; the network refused one as a duplicate
    // voter, finalized one, and one is still queued.
    const f = new BallotFactory();
    const [dup, queued, done] = [0, 1, 2].map(() => f.next({ electionId: E, size: 64 }));
    for (const b of [dup, queued, done]) expect(b && k.store.outbox.enqueue(b).ok).toBe(true);
    if (dup === undefined || done === undefined) throw new Error('ballots');
    k.store.outbox.transition(dup.ballotId, { to: 'rejected', reason: 'duplicate-nullifier' });
    k.store.outbox.transition(done.ballotId, { to: 'final', height: 11 });

    await page.getByRole('button', { name: 'Reconciliation' }).click();
    await page.locator('[data-cause="rejected:duplicate-nullifier"]').waitFor();
    const dupText = await page.locator('[data-cause="rejected:duplicate-nullifier"]').textContent();
    expect(dupText).toContain('this voter had already voted');
    const queuedText = await page.locator('[data-cause="queued"]').textContent();
    expect(queuedText).toContain('Still queued on this kiosk');
    expect(await page.locator('tr.differs').count()).toBe(1);
    expect(await page.getByText('Not yet balanced').count()).toBe(1);
    await shot('reconcile');
    expect(await seriousAxe('reconcile')).toEqual([]);
    // The staff screens follow the kiosk language like the voter screens.
    await k.value('session.setLanguage', { language: 'be' });
    await expect
      .poll(() => page.locator('[data-cause="rejected:duplicate-nullifier"]').textContent())
      .toContain('гэты выбаршчык ужо галасаваў');
    await shot('reconcile-be');
    await k.value('session.setLanguage', { language: 'en' });
    await page.getByRole('button', { name: 'Print report' }).waitFor();

    await page.getByRole('button', { name: 'Print report' }).click();
    await expect.poll(() => status().textContent()).toBe('Report printed.');
    await page.getByRole('button', { name: 'Resubmit queued ballots' }).click();
    await expect.poll(() => status().textContent()).toContain('1 ballots still undelivered');
    expect(k.syncRounds).toBe(1);
    await page.getByRole('button', { name: 'Export to USB drive' }).click();
    await expect.poll(() => status().textContent()).toContain('Signed export written');
    const files = ((await status().textContent()) ?? '').split(': ')[1]?.split(', ') ?? [];
    expect(files).toHaveLength(2);
    for (const name of files) {
      const text = readFileSync(join(k.exportDir, name), 'utf8');
      expect(verifyExport(text, k.signer.publicKey).ok).toBe(true);
    }
  });

  it('closes the polls for good after a confirmation, then signs out', async () => {
    await page.getByRole('button', { name: 'Polls', exact: true }).click();
    const row = page.locator(`[data-election="${E}"]`);
    await row.getByRole('button', { name: 'Close polls' }).click();
    await row.getByRole('alertdialog').waitFor();
    await row.getByRole('button', { name: 'Yes, close' }).click();
    await expect
      .poll(() => status().textContent())
      .toContain('Polls closed. Summary printed: 3 cast');
    expect(k.staff.canVote(E)).toBe(false);
    expect(JSON.stringify(k.printed.at(-1))).toContain('POLLS CLOSED');
    await shot('polls-closed');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('[data-screen="attract"]').waitFor();
    await k.removeCard();
  });

  it('shows a technician the diagnostics, and not the polls actions', async () => {
    await k.insertStaff(DEMO_STAFF.tech);
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    await typePin(DEMO_STAFF.tech.pin);
    await page.getByTestId('staff-who').waitFor();
    expect(await page.getByRole('button', { name: 'Open polls' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await expect
      .poll(() => page.getByTestId('diag-card').textContent())
      .toContain('Last card event: read');
    expect(await page.getByTestId('diag-sync').textContent()).toContain('Verified height 12');
    await page.getByRole('button', { name: 'Print test page' }).click();
    await expect.poll(() => status().textContent()).toBe('Test page printed.');
    await shot('diagnostics');
    expect(await seriousAxe('diagnostics')).toEqual([]);
    await k.removeCard();
    await page.locator('[data-screen="attract"]').waitFor();
  });

  it('leaves an audit log that verifies and names every staff action', () => {
    const v = k.store.audit.verify();
    expect(v.ok).toBe(true);
    const events = k.store.audit.entries(0, 10_000).map((e) => e.event);
    for (const ev of [
      EVENTS.staffSignInFailed,
      EVENTS.staffLockout,
      EVENTS.staffSignIn,
      EVENTS.pollsOpen,
      EVENTS.pollsPause,
      EVENTS.pollsClose,
      EVENTS.reconcileRun,
      EVENTS.exportWritten,
      EVENTS.staffSignOut,
    ]) {
      expect(events, ev).toContain(ev);
    }
    expect(events.filter((e) => e === EVENTS.staffSignIn)).toHaveLength(2);
    expect(events.filter((e) => e === EVENTS.staffSignOut)).toHaveLength(2);
  });
});
