// The staff screens in Chromium against the production renderer: a staff card opens the PIN
// pad instead of a voter session; wrong PINs lock out with growing waits (the host's injected
// clock is advanced, not waited for); poll staff open, pause, resume and close the polls with
// printed reports; reconciliation shows a rejected duplicate and a still-queued ballot, each
// explained — both real: the kiosk syncs with an in-process devnet over libp2p, which refuses
// the second ballot of a voter who had already voted at another kiosk, and the last ballot
// stays queued because the kiosk is cut off from its validators; with the drive pulled the
// export says so in plain be/ru, then with it back the export verifies; a technician sees
// diagnostics; axe finds nothing serious; and the audit log of the whole run verifies and
// names every staff action.
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeSignedEnvelope,
  nextChainLink,
  prepareBallot,
  sealBallot,
} from '../../src/ballot/index.js';
import { devnetTxOf } from '../../src/cli/demo-tx.js';
import type { DemoElection } from '../../src/devnet/world.js';
import { DEMO_STAFF } from '../../src/main/staff/demo-staff.js';
import type { NetNode } from '../../src/net/node.js';
import { taggedHash, toHex } from '../../src/protocol/hash.js';
import { EVENTS } from '../../src/shared/events.js';
import { verifyExport } from '../../src/store/export.js';
import type { Store } from '../../src/store/index.js';
import { createSyncNode, createSyncService, type SyncService } from '../../src/sync/index.js';
import { seededRandom, startWorld, type World } from '../integration/sync/kiosk-net.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import { fakeEvidenceBody } from '../support/evidence.js';
import { startStaffKiosk, type StaffTestKiosk } from '../support/staff-kiosk.js';

const RENDERER = 'dist/renderer';

let w: World;
let election: DemoElection;
let E = '';
/** The kiosk under test's own light node and sync service, on its store. */
let kioskNode: NetNode | undefined;
let sync: SyncService;
let k: StaffTestKiosk;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<void> {
  // Buttons fade their colours over 120 ms; a shot mid-fade shows the selection half-drawn.
  await page.waitForTimeout(200);
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

/** A voter's nullifier: the same person gets the same one at every kiosk (src/ballot). */
const nullifierOf = (person: string) =>
  taggedHash('veche/test-nullifier', new TextEncoder().encode(`staff-e2e/${person}`));

/** Seals and stores a cast ballot as the voting service does (next link of the store's kiosk
 * chain, signed envelope), with the registered demo kiosk's key. */
function castInto(store: Store, person: string): Uint8Array {
  const kioskId = w.world.kiosk.kioskId;
  const head = store.chain.head();
  const link = nextChainLink(
    kioskId,
    head && { kioskSeq: head.kioskSeq, confirmationCode: head.code },
  );
  const sealed = sealBallot({
    ctx: election.ctx,
    prepared: prepareBallot(election.ctx, 'main'),
    choices: [[1, 0]],
    nullifier: nullifierOf(person),
    kioskId,
    kioskSeq: link.kioskSeq,
    chainPrev: link.chainPrev,
    now: Math.floor(w.t.clock.now() / 1000),
    signer: w.world.kiosk.signer,
  });
  if (!sealed.ok) throw new Error(`seal: ${sealed.error.kind}`);
  const r = store.outbox.enqueue({
    ballotId: sealed.value.ballotId,
    electionId: election.electionId,
    kioskSeq: link.kioskSeq,
    confirmationCode: sealed.value.confirmationCode,
    chainPrev: link.chainPrev,
    envelope: encodeSignedEnvelope(sealed.value.signed),
    kind: 'cast',
  });
  if (!r.ok) throw new Error(`enqueue: ${r.error.kind}`);
  return sealed.value.ballotId;
}

/** Sync rounds on the devnet's clock until `done` (bounded). */
async function syncUntil(s: SyncService, done: () => boolean): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await s.runOnce();
    if (done()) return;
    await w.t.step(300);
  }
  throw new Error('sync did not settle');
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  w = await startWorld();
  const referendum = w.world.elections.find((e) => e.kind === 'referendum');
  if (referendum === undefined) throw new Error('no referendum in the demo world');
  election = referendum;
  E = election.electionId;
  k = await startStaffKiosk({
    rendererDir: RENDERER,
    defaultLanguage: 'en',
    kioskId: w.world.kiosk.kioskId,
    elections: w.world.elections.map((e) => ({ electionId: e.electionId, kind: e.kind })),
    syncNow: () => sync.runOnce(),
    // The light node's evidence methods, as the composed kiosk passes them.
    evidence: () => ({
      evidence: () => sync.evidence(),
      exportEvidence: (id, actor, o) => sync.exportEvidence(id, actor, o),
      resolveEvidence: (id, actor) => sync.resolveEvidence(id, actor),
    }),
    // What the composed kiosk shows (src/main/kiosk-composition.ts), from the real sync.
    chainView: () => {
      const st = sync.status();
      return {
        verifiedHeight: st.verifiedHeight,
        latestHeight: st.latestSeenHeight,
        lag: st.lag,
        peers: st.peers.filter((x) => x.connected).length,
        queue: { ...st.queue },
        alarm: st.alarm === null ? null : st.alarm.kind,
        lastError: st.lastError,
      };
    },
  });
  const provisioning = w.provisioning();
  const node = await createSyncNode({
    keyFile: join(w.t.dir, 'kiosk-under-test.key'),
    provisioning,
  });
  if (!node.ok) throw new Error(`kiosk node: ${node.error.kind}`);
  kioskNode = node.value;
  sync = createSyncService({
    node: node.value,
    store: k.store,
    provisioning,
    clock: w.t.clock,
    random: seededRandom(7),
    backoff: { baseMs: 200, capMs: 2000 },
    txOf: devnetTxOf,
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  page = await context.newPage();
  await page.goto(k.host.appUrl);
  await page.locator('[data-screen="attract"]').waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  sync?.stop();
  await kioskNode?.stop();
  await k?.close();
  await w?.close();
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
    // The voter first votes at another kiosk, which delivers the ballot: it is final on chain.
    const other = await w.kiosk(undefined, 'other-kiosk', { txOf: devnetTxOf });
    const first = castInto(other.store, 'voter-a');
    await syncUntil(other.sync, () => other.store.outbox.get(first)?.state === 'final');
    // This kiosk had not synced since, so it records the same voter's ballot (and another
    // voter's); its sync then gets the devnet's own refusal for the first and finality for
    // the second.
    const dup = castInto(k.store, 'voter-a');
    const done = castInto(k.store, 'voter-b');
    await syncUntil(sync, () => {
      const [a, b] = [k.store.outbox.get(dup), k.store.outbox.get(done)];
      return a?.state === 'rejected' && b?.state === 'final';
    });
    expect(k.store.outbox.get(dup)).toMatchObject({
      state: 'rejected',
      rejectReason: 'duplicate-nullifier',
    });
    // The chain holds the other kiosk's ballot under that voter's nullifier, not this one.
    expect(w.t.net.validator(0).ballotStatus(toHex(first))?.kind).toBe('included');
    expect(w.t.net.validator(0).ballotStatus(toHex(dup))?.kind).not.toBe('included');
    // Cut off from every validator, the kiosk keeps the next voter's ballot queued.
    for (const server of w.servers) await server.stop();
    const queued = castInto(k.store, 'voter-c');
    expect(k.store.outbox.get(queued)?.state).toBe('queued');

    await page.getByRole('button', { name: 'Reconciliation' }).click();
    // The demo world has an election of each kind; the ballots went to the referendum.
    await page.locator(`button[data-reconcile-election="${E}"]`).click();
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
    // The resubmission runs a real sync round, which cannot reach a validator.
    await expect.poll(() => status().textContent()).toContain('1 ballots still undelivered');
    expect(k.syncRounds).toBe(1);
    // No validator answered, so it is still queued (sent is marked on an answer only).
    expect(k.store.outbox.get(queued)?.state).toBe('queued');
    // The drive pulled (its mount point gone): a plain sentence in the screen's language, the
    // errno only in the technician's small print, and no folder made on the kiosk's disk.
    rmSync(k.exportDir, { recursive: true });
    for (const [language, button, sentence] of [
      ['be', 'Экспарт на USB-назапашвальнік', 'Устаўце USB-назапашвальнік VECHE-EXPORT'],
      ['ru', 'Экспорт на USB-накопитель', 'Вставьте USB-накопитель VECHE-EXPORT'],
    ] as const) {
      await k.value('session.setLanguage', { language });
      await page.getByRole('button', { name: button }).click();
      await expect.poll(() => status().textContent()).toContain(sentence);
      expect(await status().textContent()).not.toMatch(/ENOENT|writing|export-no-drive/);
      expect(await page.locator('.staff-detail').textContent()).toMatch(
        /export-no-drive: .*ENOENT/,
      );
      expect(existsSync(k.exportDir)).toBe(false);
    }
    await shot('export-no-drive-ru');
    expect(await seriousAxe('export error')).toEqual([]);
    // The line on screen follows a language switch, without the action being repeated.
    await k.value('session.setLanguage', { language: 'en' });
    await expect.poll(() => status().textContent()).toContain('Insert the VECHE-EXPORT USB drive');
    mkdirSync(k.exportDir);
    await page.getByRole('button', { name: 'Export to USB drive' }).click();
    await expect.poll(() => status().textContent()).toContain('Signed export written');
    expect(await page.locator('.staff-detail').count()).toBe(0);
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
    const verified = sync.status().verifiedHeight;
    expect(verified).toBeGreaterThan(1);
    expect(await page.getByTestId('diag-sync').textContent()).toContain(
      `Verified height ${verified}`,
    );
    await page.getByRole('button', { name: 'Print test page' }).click();
    await expect.poll(() => status().textContent()).toBe('Test page printed.');
    // Evidence as the light node stores it: listed with height and peers; the technician
    // exports the signed file to the drive, then resolves it after the confirmation.
    const stored = k.store.evidence.record({
      chainId: w.t.net.genesis.chainId,
      height: 3,
      commonHeight: 1,
      primaryPeer: 'peer-primary',
      witnessPeer: 'peer-witness',
      body: fakeEvidenceBody(w.t.net.genesis.chainId, 3),
    });
    if (!stored.ok) throw new Error(stored.error.kind);
    const item = page.getByTestId(`evidence-${stored.value}`);
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('OPEN');
    expect(await item.textContent()).toContain('peer-witness');
    const evidenceStatus = page.getByTestId('evidence').locator('.staff-status');
    await item.getByRole('button', { name: 'Export evidence' }).click();
    await expect.poll(() => evidenceStatus.textContent()).toContain('Signed evidence written');
    expect(readdirSync(k.exportDir).some((f) => f.startsWith('evidence-'))).toBe(true);
    await shot('evidence');
    await item.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByRole('button', { name: 'Yes, resolve' }).click();
    await expect.poll(() => evidenceStatus.textContent()).toContain('resolved');
    expect(k.store.evidence.get(stored.value)?.resolvedMs).not.toBeNull();
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
