// The voter screens end to end against the whole demo kiosk (devnet + voting + host with
// simulated devices, as `npm run demo -- --headless` runs it) in Debian's Chromium: a full vote
// of every ballot kind, over-vote, language switch mid-ballot, profiles, cast → receipt
// without choices, challenge → a printed reveal that the verifier accepts and opens to the
// marks, paper out → reprint / continue without, the jury only for the drawn juror, and
// "check my receipt". Every screen is shot in be/ru/en × portrait/landscape and run through
// axe; card → list and tap → paint timings are read from the page's performance entries.
import axeCore, { type Result } from 'axe-core';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReveal, openChallenged, verifyEnvelope } from '../../src/ballot/index.js';
import { DEMO_JUROR } from '../../src/cli/demo-voting.js';
import { DEFAULT_SEED } from '../../src/devnet/genesis.js';
import { authoritySigner } from '../../src/devnet/keys.js';
import { DEMO_HISTORY_OPEN_POLL } from '../../src/devnet/scenario/demo-history.js';
import { demoWorld } from '../../src/devnet/world.js';
import { decodeCanonical } from '../../src/protocol/encoding.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import { startVotingKiosk, type VotingKiosk } from '../support/voting-kiosk.js';

const VIEWPORTS = {
  portrait: { width: 1080, height: 1920 },
  landscape: { width: 1920, height: 1080 },
} as const;
const LANGS = ['be', 'ru', 'en'] as const;
const VOTER = 'lutsevich-td1';
const OTHER = 'eriksson-td3';
const CHALLENGER = 'eriksson-td1';

interface PaperLine {
  text: string;
  qr?: string;
}

let kiosk: VotingKiosk;
let browser: Browser;
let page: Page;
const shotScreens = new Set<string>();
const axeFindings: { screen: string; id: string; impact: string | null | undefined }[] = [];
const cardToListTest: number[] = [];
let paperSeen = 0;

/** Every screen: three languages × two orientations, full page, then axe once. */
async function capture(name: string) {
  const start = await page.evaluate(() => document.documentElement.lang);
  for (const lang of LANGS) {
    await page.getByTestId(`lang-${lang}`).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    await settle();
    for (const [orientation, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      await page.screenshot({
        path: join(SCREENSHOT_DIR, `voter-${name}-${orientation}-${lang}.png`),
        fullPage: true,
      });
      // Vertical scrolling only.
      expect(await sideways(), `${name} ${orientation} ${lang}`).toBe(0);
    }
  }
  await page.setViewportSize(VIEWPORTS.portrait);
  const back = start === '' ? 'be' : start;
  await page.getByTestId(`lang-${back}`).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(back);
  shotScreens.add(name);
  await axe(name);
}

/** Colour transitions (a button just pressed, a theme just chosen) must end before contrast
 * is measured or a screenshot taken; they start at the next frame, so wait one first. */
async function settle() {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  await expect.poll(() => page.evaluate(() => document.getAnimations().length)).toBe(0);
}

/** How far the page reaches past the right edge (0: nothing to scroll sideways). */
const sideways = () =>
  page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));

/** The same screen at the largest text size in the dark high-contrast theme, both
 * orientations: nothing sideways, axe clean; then back to standard. */
async function largest(name: string) {
  await page.getByTestId('a11y-toggle').click();
  await page.getByTestId('text-size-largest').click();
  await page.getByTestId('theme-contrast-dark').click();
  await page.getByTestId('a11y-done').click();
  await settle();
  for (const [orientation, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({
      path: join(SCREENSHOT_DIR, `voter-${name}-largest-dark-${orientation}.png`),
      fullPage: true,
    });
    expect(await sideways(), `${name} largest ${orientation}`).toBe(0);
  }
  await page.setViewportSize(VIEWPORTS.portrait);
  await axe(`${name}-largest-dark`);
  await page.getByTestId('a11y-toggle').click();
  await page.getByTestId('a11y-reset').click();
  await page.getByTestId('a11y-done').click();
}

async function axe(screen: string) {
  await settle();
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeCore.source);
  const violations = await page.evaluate(
    () =>
      (window as unknown as { axe: typeof axeCore }).axe
        .run(document, {
          rules: { 'target-size': { enabled: true } },
          resultTypes: ['violations'],
        })
        .then((r) => r.violations),
    undefined,
  );
  for (const v of violations as Result[]) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      console.log(`axe ${screen}:`, v.id, v.nodes.map((n) => n.target.join(' ')).join(', '));
    }
    axeFindings.push({ screen, id: v.id, impact: v.impact });
  }
}

const screen = (name: string) => page.locator(`[data-screen="${name}"]`);

/** Lines printed since the last call. */
async function newPaper(): Promise<PaperLine[]> {
  const all = await kiosk.ok<PaperLine[]>('dock.paper');
  const fresh = all.slice(paperSeen);
  paperSeen = all.length;
  return fresh;
}
const paperText = (lines: PaperLine[]) => lines.map((l) => `${l.text} ${l.qr ?? ''}`).join('\n');

async function insert(personId: string) {
  const t0 = Date.now();
  await kiosk.ok('dock.insertCard', { personId });
  await screen('votes')
    .locator('[data-testid^="open-"], [data-testid^="voted-"]')
    .first()
    .waitFor();
  cardToListTest.push(Date.now() - t0);
}

async function remove() {
  await kiosk.ok('dock.removeCard');
  await screen('attract').waitFor();
}

async function toggle(testId: string, expected: boolean) {
  await page.getByTestId(testId).click();
  await expect
    .poll(() => page.getByTestId(testId).getAttribute('aria-pressed'))
    .toBe(String(expected));
}

/** Review → confirm → code; returns the code shown. */
async function reviewAndSeal(shots: boolean): Promise<string> {
  await page.getByTestId('ballot-next').click();
  await screen('review').waitFor();
  if (shots) await capture('review');
  await page.getByTestId('review-confirm').click();
  await screen('code').waitFor();
  if (shots) await capture('code');
  return (await page.getByTestId('code').textContent()) ?? '';
}

/** Cast and check the receipt screen and the paper: the code, and never a choice. */
async function castAndCheck(code: string, choices: string[], shots = false) {
  if (shots) {
    // The printing screen is up only while the host records and prints; hold the cast's
    // answer until it has been photographed in every language and orientation.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    // Boxed: a promise resolved with a promise would wait for it.
    let passed: (v: { through: Promise<void> }) => void = () => {};
    const intercepted = new Promise<{ through: Promise<void> }>((r) => (passed = r));
    await page.route('**/rpc/voting.cast', (route) => {
      const through = held.then(() => route.continue());
      passed({ through });
      return through;
    });
    await page.getByTestId('cast').click();
    await screen('printing').waitFor();
    await capture('printing');
    const { through } = await intercepted;
    release();
    // Unrouting before the held request has gone on would let Playwright continue it too.
    await through;
    await page.unroute('**/rpc/voting.cast');
  } else {
    await page.getByTestId('cast').click();
  }
  await screen('receipt').waitFor();
  expect(await screen('receipt').getAttribute('data-printed')).toBe('true');
  expect(await page.getByTestId('code').textContent()).toBe(code);
  if (shots) await capture('receipt');
  const paper = paperText(await newPaper());
  expect(paper).toContain(code);
  for (const c of choices) expect(paper).not.toContain(c);
  for (const secret of ['LUTSEVICH', 'Lutsevich', 'ERIKSSON', 'Eriksson', 'KB4207182']) {
    expect(paper).not.toContain(secret);
  }
  return paper;
}

async function open(electionId: string) {
  await page.getByTestId(`open-${electionId}`).click();
  await screen('ballot').waitFor();
  expect(await screen('ballot').getAttribute('data-kind')).toBe(electionId.replace('e-demo-', ''));
}

async function backToList() {
  await page.getByTestId('receipt-done').click();
  await screen('votes').waitFor();
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  [kiosk, browser] = await Promise.all([startVotingKiosk(), launchChromium()]);
  page = await browser.newPage({ viewport: VIEWPORTS.portrait });
  await page.goto(kiosk.appUrl);
  await screen('attract').waitFor();
  // The demo renderer's dev dock would sit over the screens in every shot.
  await page.locator('[data-testid="dev-dock"] header button').click();
  paperSeen = (await kiosk.ok<PaperLine[]>('dock.paper')).length;
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
});

describe('the voter screens against the demo kiosk', () => {
  it('attract offers "check my receipt"', async () => {
    await capture('attract');
    await page.getByTestId('open-check-receipt').click();
    await screen('check-receipt').waitFor();
    await capture('check-receipt');
    await page.getByTestId('check-back').click();
    await screen('attract').waitFor();
  });

  it('single choice: list, profile, a language switch keeps the mark, cast, receipt', async () => {
    await insert(VOTER);
    // Only the drawn juror sees the jury ballot.
    expect(await page.getByTestId('open-e-demo-jury').count()).toBe(0);
    await capture('votes');
    await open('e-demo-single-choice');
    await capture('ballot-single-choice');
    const about = page.getByTestId('profile-ales');
    await about.waitFor({ timeout: 5000 });
    await about.click();
    await screen('profile').waitFor();
    await capture('profile-candidate');
    await page.getByTestId('profile-back').click();
    await screen('ballot').waitFor();

    await toggle('option-ales', true);
    await toggle('option-bazhena', true);
    // One-of-several: the second choice replaced the first.
    expect(await page.getByTestId('option-ales').getAttribute('aria-pressed')).toBe('false');
    for (const lang of ['ru', 'en', 'be'] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect(await page.getByTestId('option-bazhena').getAttribute('aria-pressed')).toBe('true');
    }
    const code = await reviewAndSeal(true);
    expect(code).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){4}$/);
    await largest('code');
    await castAndCheck(code, ['bazhena'], true);
    await backToList();
    expect(await page.getByTestId('voted-e-demo-single-choice').count()).toBe(1);
  });

  it('k of n: an over-vote is explained and refused; approval; referendum', async () => {
    await open('e-demo-k-of-n');
    await toggle('option-o1', true);
    await toggle('option-o2', true);
    await page.getByTestId('option-o3').click();
    await page.getByTestId('ballot-problem').waitFor();
    expect(await page.getByTestId('option-o3').getAttribute('aria-pressed')).toBe('false');
    await capture('ballot-k-of-n-over-vote');
    await largest('ballot-k-of-n-over-vote');
    await castAndCheck(await reviewAndSeal(false), ['o1', 'o2']);
    await backToList();

    await open('e-demo-approval');
    for (const o of ['o1', 'o3', 'o4']) await toggle(`option-${o}`, true);
    await capture('ballot-approval');
    await castAndCheck(await reviewAndSeal(false), ['o1', 'o3', 'o4']);
    await backToList();

    await open('e-demo-referendum');
    // Going on without a choice is explained, not sent.
    await page.getByTestId('ballot-next').click();
    await page.getByTestId('ballot-problem').waitFor();
    // Two switches: switch 1 (Space) steps from the heading to the next control, switch 2
    // (Enter) selects it.
    await page.locator('[data-screen="ballot"] h1').focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    for (let i = 0; i < 5 && (await focused()) !== 'option-yes'; i++) {
      await page.keyboard.press('Space');
    }
    expect(await focused()).toBe('option-yes');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('option-yes').getAttribute('aria-pressed'))
      .toBe('true');
    await capture('ballot-referendum');
    await castAndCheck(await reviewAndSeal(false), []);
    await backToList();
  });

  it('rating, recall (the official and the recall on the profile) and confidence', async () => {
    await open('e-demo-rating');
    await toggle('score-4', true);
    await capture('ballot-rating');
    await castAndCheck(await reviewAndSeal(false), []);
    await backToList();

    await open('e-demo-recall');
    const official = page.getByTestId('profile-official');
    const hasOfficial = await official.waitFor({ timeout: 3000 }).then(
      () => true,
      () => false,
    );
    if (hasOfficial) {
      await capture('ballot-recall');
      await official.click();
      await screen('profile').waitFor();
      await capture('profile-official');
      const status = await screen('profile').getAttribute('data-status');
      console.log(`recall ballot: the official's profile status is ${status}`);
      if (status === 'under-recall') await page.getByTestId('recall-status').waitFor();
      await page.getByTestId('profile-back').click();
      await screen('ballot').waitFor();
    } else {
      console.log('recall ballot: the host offers no record of the official');
      await capture('ballot-recall');
    }
    await toggle('option-no', true);
    await castAndCheck(await reviewAndSeal(false), []);
    await backToList();

    await open('e-demo-confidence');
    await toggle('option-yes', true);
    await capture('ballot-confidence');
    await castAndCheck(await reviewAndSeal(false), []);
    await backToList();
    await capture('votes-voted');
    await remove();
  });

  it('the drawn juror sees and votes the jury ballot, and the chain takes it', async () => {
    // The demo creates the jury election only once the chain has drawn the jury and holds its
    // eligibility tokens (~10 s after the devnet starts, src/devnet/scenario/demo-jury.ts);
    // the kiosk lists it after its next verified refresh (every 5 s). Usually there by now.
    const until = Date.now() + 60_000;
    for (;;) {
      await insert(DEMO_JUROR);
      if ((await page.getByTestId('open-e-demo-jury').count()) > 0) break;
      await remove();
      if (Date.now() > until) throw new Error('e-demo-jury was not on the juror’s list in 60 s');
      await new Promise((r) => setTimeout(r, 2000));
    }
    await open('e-demo-jury');
    await toggle('option-for', true);
    await capture('ballot-jury');
    const paper = await castAndCheck(await reviewAndSeal(false), []);
    await backToList();
    await remove();
    // A jury ballot is valid on chain only with a drawn juror's eligibility token as its
    // nullifier: final (not rejected) shows the kiosk's juror is the chain's.
    const qr = /veche:ballot:v1:\S+/.exec(paper)?.[0] ?? '';
    expect(qr).not.toBe('');
    let status = '';
    for (let i = 0; i < 80 && status !== 'final' && status !== 'rejected'; i++) {
      const v = await kiosk.ok<{ status: string }>('voting.checkReceipt', { code: qr });
      status = v.status;
      if (status !== 'final') await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe('final');
  });

  it('a challenged ballot prints a reveal the verifier accepts and opens to the marks', async () => {
    await insert(CHALLENGER);
    await open('e-demo-approval');
    await toggle('option-o2', true);
    await toggle('option-o4', true);
    const code = await reviewAndSeal(false);
    // The voter is told, before the tap (in Belarusian, the kiosk's first language), that a
    // challenged ballot's marks become public.
    expect(await page.getByTestId('challenge-privacy').textContent()).toContain('публікуюцца');
    await page.getByTestId('challenge').click();
    await screen('challenged').waitFor();
    expect(await page.getByTestId('code').textContent()).toBe(code);
    await capture('challenged');
    const paper = await newPaper();
    const qr = paper.map((l) => l.qr).find((q) => q?.startsWith('veche:reveal:v1:'));
    expect(qr).toBeDefined();
    for (const c of ['o2', 'o4'])
      expect(paperText(paper.filter((l) => l.qr === undefined))).not.toContain(c);

    // The verifier: the kiosk's signature on the reveal, then the published challenged
    // envelope (here from the kiosk's store) opened with the revealed nonces.
    const decoded = decodeCanonical(
      Buffer.from((qr ?? '').slice('veche:reveal:v1:'.length), 'base64url'),
    );
    if (!decoded.ok) throw new Error('the reveal QR is not canonical CBOR');
    const printed = decoded.value as { reveal: Uint8Array; signature: Uint8Array };
    const authority = authoritySigner(DEFAULT_SEED);
    const probe = demoWorld('demo', authority, Math.floor(kiosk.worldBornMs.from / 1000));
    const reveal = decodeReveal(
      { bytes: printed.reveal, signature: printed.signature },
      probe.kiosk.signer.publicKey,
    );
    if (!reveal.ok) throw new Error(`reveal refused: ${JSON.stringify(reveal.error)}`);
    // The kiosk holds its store exclusively (locking_mode EXCLUSIVE): read a copy, WAL too.
    const copy = mkdtempSync(join(tmpdir(), 'veche-verifier-'));
    const file = kiosk.storeFile();
    copyFileSync(file, join(copy, 'kiosk.sqlite'));
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, join(copy, 'kiosk.sqlite-wal'));
    const db = new Database(join(copy, 'kiosk.sqlite'), { fileMustExist: true });
    const row = db
      .prepare('SELECT envelope FROM outbox WHERE ballot_id = ? AND kind = ?')
      .get(Buffer.from(reveal.value.ballotId), 'challenged') as { envelope: Buffer } | undefined;
    db.close();
    rmSync(copy, { recursive: true, force: true });
    expect(row).toBeDefined();
    const stored = decodeCanonical(new Uint8Array(row?.envelope ?? []));
    if (!stored.ok) throw new Error('challenged row is not canonical CBOR');
    const rec = stored.value as Record<string, Uint8Array>;
    // The election's context depends on its window, which opened when the demo built its
    // world: rebuild it for each second the demo may have started in.
    let opened: number[][] | null = null;
    const { from, to } = kiosk.worldBornMs;
    for (let s = Math.floor(from / 1000); s <= Math.ceil(to / 1000) && opened === null; s++) {
      const e = demoWorld('demo', authority, s).elections.find(
        (x) => x.electionId === 'e-demo-approval',
      );
      if (e === undefined) continue;
      const v = verifyEnvelope(
        e.ctx,
        {
          bytes: rec['envelope'] ?? new Uint8Array(),
          signature: rec['signature'] ?? new Uint8Array(),
        },
        probe.kiosk.signer.publicKey,
      );
      if (!v.ok) continue;
      const o = openChallenged(e.ctx, v.value, reveal.value);
      if (!o.ok) throw new Error(`the reveal does not open the ballot: ${JSON.stringify(o.error)}`);
      opened = o.value;
    }
    // o1..o4: the voter marked o2 and o4.
    expect(opened).toEqual([[0, 1, 0, 1]]);

    // The ballot starts again, marks kept; this time it is cast.
    await page.getByTestId('vote-again').click();
    await screen('ballot').waitFor();
    expect(await page.getByTestId('option-o2').getAttribute('aria-pressed')).toBe('true');
    const second = await reviewAndSeal(false);
    expect(second).not.toBe(code);
    await castAndCheck(second, ['o2', 'o4']);
    await backToList();
  });

  it('paper out: the ballot is recorded, print again after the paper is back, or go on without', async () => {
    await open('e-demo-k-of-n');
    await toggle('option-o3', true);
    const code = await reviewAndSeal(false);
    await kiosk.ok('dock.setPrinterStatus', { paperOut: true });
    await page.getByTestId('cast').click();
    await screen('paper').waitFor();
    expect(await screen('paper').getAttribute('data-problem')).toBe('paper-out');
    await capture('paper-out');
    await kiosk.ok('dock.setPrinterStatus', { paperOut: false });
    await page.getByTestId('reprint').click();
    await screen('receipt').waitFor();
    expect(await screen('receipt').getAttribute('data-printed')).toBe('true');
    expect(paperText(await newPaper())).toContain(code);
    await backToList();

    await open('e-demo-referendum');
    await toggle('option-no', true);
    const code2 = await reviewAndSeal(false);
    await kiosk.ok('dock.setPrinterStatus', { paperOut: true });
    await page.getByTestId('cast').click();
    await screen('paper').waitFor();
    await page.getByTestId('skip-receipt').click();
    await screen('receipt').waitFor();
    expect(await screen('receipt').getAttribute('data-printed')).toBe('false');
    expect(await page.getByTestId('code').textContent()).toBe(code2);
    await capture('receipt-without-paper');
    await kiosk.ok('dock.setPrinterStatus', { paperOut: false });
    await backToList();
    await remove();
  });

  it('someone not drawn does not see the jury ballot; an expired card is refused', async () => {
    await insert(OTHER);
    expect(await page.getByTestId('open-e-demo-jury').count()).toBe(0);
    expect(await page.getByTestId('voted-e-demo-jury').count()).toBe(0);
    await remove();
    await kiosk.ok('dock.insertCard', { personId: 'bahdanovich-expired' });
    await page.locator('[data-screen="card-error"], [data-screen="eligibility"]').first().waitFor();
    await remove();
  });

  it('refusals the demo cannot cause on demand are explained (polls closed, nothing recorded)', async () => {
    // The host's answers for a paused poll and a full disk, as its RPC schema has them; the
    // screens and the retry are the renderer's part.
    const answer = (value: unknown) => (route: Route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ok: true, value }) });
    await insert(OTHER);
    await page.route(
      '**/rpc/voting.open',
      answer({ outcome: 'refused', reason: 'polls-closed', electionId: 'e-demo-single-choice' }),
    );
    await page.getByTestId('open-e-demo-single-choice').click();
    await page.locator('[data-screen="refused"][data-reason="polls-closed"]').waitFor();
    await capture('refused-polls-closed');
    await page.unroute('**/rpc/voting.open');
    await page.getByTestId('refused-back').click();
    await open('e-demo-single-choice');
    await toggle('option-ciaslau', true);
    const code = await reviewAndSeal(false);
    await page.route(
      '**/rpc/voting.cast',
      answer({ outcome: 'refused', reason: 'not-recorded', cause: 'storage-full' }),
    );
    await page.getByTestId('cast').click();
    await screen('not-recorded').waitFor();
    await capture('not-recorded');
    await page.unroute('**/rpc/voting.cast');
    // The sealed ballot is still there: casting again after staff act records it.
    await page.getByTestId('retry-cast').click();
    await screen('receipt').waitFor();
    expect(await page.getByTestId('code').textContent()).toBe(code);
    await newPaper();
    await backToList();
    await remove();
  });

  it('check my receipt: a cast ballot is known, a typo is explained', async () => {
    const all = await kiosk.ok<PaperLine[]>('dock.paper');
    const ballotQr = all.map((l) => l.qr).findLast((q) => q?.startsWith('veche:ballot:v1:'));
    expect(ballotQr).toBeDefined();
    await page.getByTestId('open-check-receipt').click();
    await screen('check-receipt').waitFor();
    await page.getByTestId('receipt-code').fill('not a receipt');
    await page.getByTestId('check-submit').click();
    await page.getByTestId('check-result').locator('.problem').waitFor();
    await page.getByTestId('receipt-code').fill(ballotQr ?? '');
    await page.getByTestId('check-submit').click();
    const result = page.getByTestId('check-result').locator('[data-status]');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).not.toBe('unknown');
    await capture('check-receipt-answer');
    await page.getByTestId('check-back').click();
    await screen('attract').waitFor();
  });

  it('an official under recall: the vote about them, the recall, rating history and promises on the profile', async () => {
    // The demo history (an office election, a rating poll below the threshold, the recall)
    // reaches the chain in the background ~45 s after the devnet starts; by now it usually
    // has. The kiosk re-reads verified state every 5 s and the list is read at card insert.
    const pollId = DEMO_HISTORY_OPEN_POLL;
    const until = Date.now() + 120_000;
    for (;;) {
      // Until the history lands, this voter may have voted on everything listed: then the
      // kiosk says there is nothing to vote on instead of showing the list.
      await kiosk.ok('dock.insertCard', { personId: VOTER });
      await page
        .locator('[data-screen="votes"] [data-testid^="open-"], [data-screen="eligibility"]')
        .first()
        .waitFor({ timeout: 60_000 });
      if ((await page.getByTestId(`open-${pollId}`).count()) > 0) break;
      await remove();
      if (Date.now() > until) throw new Error(`${pollId} was not on the vote list in 120 s`);
      await new Promise((r) => setTimeout(r, 3000));
    }
    const startLang = await page.evaluate(() => document.documentElement.lang);
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByTestId(`open-${pollId}`).click();
    await screen('ballot').waitFor();
    expect(await screen('ballot').getAttribute('data-kind')).toBe('confidence');
    expect(await screen('ballot').locator('h1').textContent()).toBe(
      'Confidence in the head of Polatsk during the recall',
    );
    const official = page.getByTestId('profile-official');
    await official.waitFor({ timeout: 5000 });
    await capture('ballot-confidence-official');
    await official.click();
    await screen('profile').waitFor();
    expect(await screen('profile').getAttribute('data-status')).toBe('under-recall');
    const profile = screen('profile');
    expect(await profile.locator('h1').textContent()).toBe('Mikalai Hrynevich');
    expect(await profile.locator('.kind-tag').textContent()).toBe('Head of Polatsk');
    expect(await page.getByTestId('recall-status').textContent()).toContain('Recall under way');
    expect(await page.getByTestId('acting').textContent()).toBe('Acting official: Alena Karpovich');
    // One rating poll: 1, 0, 2, 0, 1 of 5 = 16 %, below the 20 % recall threshold.
    expect(await page.getByTestId('rating-chart').getAttribute('aria-label')).toContain('16 %');
    expect(await profile.locator('.promise-text > span:first-child').allTextContents()).toEqual([
      'Repair the Dvina bridge by autumn',
      'Publish every council expense online',
    ]);
    expect(await page.getByTestId('certificate').textContent()).toContain('mq-mikalai-hrynevich');
    await capture('profile-official-under-recall');
    await page.getByTestId('profile-back').click();
    await screen('ballot').waitFor();
    // The demo's voters can take part in the vote about the official.
    await toggle('option-yes', true);
    await castAndCheck(await reviewAndSeal(false), []);
    await backToList();
    expect(await page.getByTestId(`voted-${pollId}`).count()).toBe(1);
    await page.getByTestId(`lang-${startLang === '' ? 'be' : startLang}`).click();
    await remove();
  }, 200_000);

  it('no serious or critical axe finding on any screen; timings', async () => {
    const serious = axeFindings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
    expect(serious).toEqual([]);
    expect(shotScreens.size).toBeGreaterThanOrEqual(15);

    const m = await page.evaluate(() =>
      performance.getEntriesByType('measure').map((e) => ({ name: e.name, ms: e.duration })),
    );
    const cardToList = m.filter((e) => e.name === 'veche:card-to-list').map((e) => e.ms);
    const taps = m
      .filter((e) => e.name === 'veche:tap-to-paint')
      .map((e) => e.ms)
      .sort((a, b) => a - b);
    const q = (xs: number[], p: number) =>
      xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
    const median = (xs: number[]) =>
      q(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    console.log(
      JSON.stringify({
        cardToListPageMs: cardToList.map((x) => Math.round(x)),
        cardToListPageMedianRatio: +(median(cardToList) / 500).toFixed(2),
        cardToListFromInsertMs: cardToListTest,
        tapToPaint: {
          n: taps.length,
          medianMs: Math.round(q(taps, 0.5)),
          p95Ms: Math.round(q(taps, 0.95)),
          medianRatio: +(q(taps, 0.5) / 100).toFixed(2),
        },
      }),
    );
    expect(cardToList.length).toBeGreaterThanOrEqual(4);
    expect(taps.length).toBeGreaterThan(30);
    // The goals (500 ms, 100 ms) are the bench's to judge (bench/ui.bench.ts, on an idle
    // machine); here the marks are checked to be real durations and printed above.
    for (const ms of [...cardToList, ...taps]) expect(ms).toBeGreaterThan(0);
  });
});
