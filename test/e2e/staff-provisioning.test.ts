// First boot, end to end, against the in-process devnet: the wizard on a blank kiosk makes
// the enrollment (QR on screen, file downloaded), the authority registers the kiosk's key on
// chain and answers with a signed bundle (chain id, the validators' libp2p peers, a trusted
// checkpoint, the staff roster), the wizard imports it, and the kiosk's light node, built from
// nothing but that bundle, verifies the chain. The bundle's technician then signs in and sees
// the sync status; the audit log verifies and records the provisioning.
import { AxeBuilder } from '@axe-core/playwright';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetTxOf } from '../../src/cli/demo-tx.js';
import { encodeTx, signTx, type TxBody } from '../../src/devnet/app/index.js';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { serveLightProtocols } from '../../src/devnet/rpc.js';
import { DEMO_UNIT, demoWorld } from '../../src/devnet/world.js';
import { createHost, type Host } from '../../src/main/host.js';
import { TEST_COST } from '../../src/main/keys/kdf.js';
import { createPassphraseSealer } from '../../src/main/keys/passphrase-sealer.js';
import {
  buildBundle,
  createProvisioningService,
  parseEnrollment,
  RECORD_FILE,
  signBundle,
  type ProvisioningService,
} from '../../src/main/provisioning/index.js';
import type { ChainView } from '../../src/main/rpc/schema.js';
import { DEMO_STAFF, demoStaffRoster } from '../../src/main/staff/demo-staff.js';
import { createKioskStaff, type KioskStaff } from '../../src/main/staff/kiosk-staff.js';
import { createNetNode, type NetNode } from '../../src/net/node.js';
import { ed25519SignerFromSeed, generateEd25519Seed } from '../../src/protocol/ed25519.js';
import { systemClock } from '../../src/shared/clock.js';
import { EVENTS } from '../../src/shared/events.js';
import { silentLogger } from '../../src/shared/log.js';
import { err } from '../../src/shared/result.js';
import { verifyExport } from '../../src/store/export.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  createSyncNode,
  createSyncService,
  syncProvisioningOf,
  type SyncService,
} from '../../src/sync/index.js';
import { launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import { fakeDevices } from '../support/fake-devices.js';
import { staffDocument } from '../support/staff-kiosk.js';
import { BallotFactory } from '../unit/store/fixtures.js';

const RENDERER = 'dist/renderer';
const KIOSK_ID = 'kiosk-e2e-1';
const PLACE = 'pp-017';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clock = systemClock();
const authority = ed25519SignerFromSeed(generateEd25519Seed());
let dir: string;
let net: Devnet;
const servers: NetNode[] = [];
let authoritySeq = 0;
let store: Store;
let provisioning: ProvisioningService;
let staff: KioskStaff;
let host: Host;
let fake: ReturnType<typeof fakeDevices>;
let sync: { service: SyncService; node: NetNode } | null = null;
let browser: Browser;
let page: Page;

const NOT_SYNCING: ChainView = {
  verifiedHeight: null,
  latestHeight: 0,
  lag: 0,
  peers: 0,
  queue: {},
  alarm: null,
  lastError: 'not provisioned',
};

async function until(what: string, f: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (f()) return;
  throw new Error(`timed out: ${what}`);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = mkdtempSync(join('/dev/shm', 'veche-provision-'));
  net = startDevnet({ dir: join(dir, 'devnet'), clock, blockMs: 400, logger: silentLogger });
  const world = demoWorld('e2e', net.authority, Math.floor(clock.now() / 1000));
  for (const tx of world.txs) expect(net.submit(tx, 0).ok).toBe(true);
  authoritySeq = world.txs.length;
  await until('the world on chain', () => net.validator(0).committedHeight >= 3);
  for (const [i, n] of net.nodes.entries()) {
    const s = await createNetNode({ keyFile: join(dir, `validator-${i}.key`) });
    if (!s.ok) throw new Error('validator network');
    servers.push(s.value);
    await serveLightProtocols(s.value, {
      validator: () => (n.running ? n.validator : undefined),
      signer: n.signer,
      faults: n.faults,
    });
  }

  // The blank kiosk: a state directory, its store, no key, no record.
  const stateDir = join(dir, 'kiosk');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(join(dir, 'usb'), { recursive: true });
  const opened = openStore({ path: join(stateDir, 'kiosk.sqlite'), kioskId: KIOSK_ID, clock });
  if (!opened.ok) throw new Error('store');
  store = opened.value;
  const sealer = createPassphraseSealer({ passphrase: 'e2e kiosk passphrase', cost: TEST_COST });
  if (!sealer.ok) throw new Error('sealer');
  const ref: { staff?: KioskStaff } = {};
  provisioning = createProvisioningService({
    stateDir,
    sealer: sealer.value,
    authorityKeys: [authority.publicKey],
    clock,
    audit: store.audit,
    logger: silentLogger,
    authorize: (a) => ref.staff?.staff.authorize(a) ?? err({ kind: 'not-signed-in' }),
  });
  expect((await provisioning.init()).ok).toBe(true);
  fake = fakeDevices();
  const made = await createKioskStaff({
    store,
    identity: { kind: 'provisioned', provisioning },
    devices: fake.devices,
    clock,
    logger: silentLogger,
    stateDir,
    exportDir: join(dir, 'usb'),
    elections: () => [],
    chainView: () => {
      if (sync === null) return NOT_SYNCING;
      const s = sync.service.status();
      return {
        verifiedHeight: s.verifiedHeight,
        latestHeight: s.latestSeenHeight,
        lag: s.lag,
        peers: s.peers.filter((p) => p.connected).length,
        queue: { ...s.queue },
        alarm: s.alarm === null ? null : s.alarm.kind,
        lastError: s.lastError,
      };
    },
  });
  if (!made.ok) throw new Error('staff');
  staff = made.value;
  ref.staff = staff;
  host = await createHost({
    clock,
    logger: silentLogger,
    devices: fake.devices,
    staff,
    rendererDir: RENDERER,
    defaultLanguage: 'en',
  });
  browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1080, height: 1920 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  await page.goto(host.appUrl);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  sync?.service.stop();
  await sync?.node.stop().catch(() => undefined);
  store?.close();
  for (const s of servers) await s.stop().catch(() => undefined);
  net?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('provisioning a fresh kiosk against the devnet', () => {
  it('enrolls, imports the authority bundle, and syncs from it', async () => {
    await page.getByRole('heading', { name: 'Set up this kiosk' }).waitFor();
    expect(provisioning.status().state).toBe('blank');
    await page.getByLabel('Administrative unit id').fill(DEMO_UNIT);
    await page.getByLabel('Polling place id').fill(PLACE);
    await page.getByRole('button', { name: 'Create enrollment' }).click();
    await page.getByAltText('Enrollment QR code for the election authority').waitFor();
    await shot('wizard-enrollment');
    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => v.id)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Save enrollment file' }).click(),
    ]);
    const file = readFileSync((await download.path()) ?? '');
    const enrollment = parseEnrollment(new Uint8Array(file));
    if (!enrollment.ok) throw new Error(`enrollment: ${enrollment.error.kind}`);
    const request = enrollment.value.request;
    expect(request.unit).toBe(DEMO_UNIT);
    expect(request.pollingPlace).toBe(PLACE);

    // The authority: register the kiosk's key on chain, then answer with a signed bundle.
    const before = net.validator(0).committedHeight;
    const register = encodeTx(
      signTx(
        {
          kind: 'kiosk-register',
          seq: ++authoritySeq,
          kioskId: KIOSK_ID,
          unit: DEMO_UNIT,
          publicKey: request.signingKey,
          pollingPlace: PLACE,
        } as unknown as TxBody,
        net.authority,
      ),
    );
    expect(net.submit(register, 0).ok).toBe(true);
    await until('the registration committed', () => net.validator(0).committedHeight >= before + 2);
    const bundle = buildBundle({
      enrollment: request,
      chainId: net.genesis.chainId,
      issuedAt: Math.floor(clock.now()),
      unit: { unitId: DEMO_UNIT, pollingPlace: PLACE, kioskId: KIOSK_ID, staffIdleTimeoutSec: 300 },
      validators: servers.map((s) => ({
        peerId: s.peerId.toString(),
        multiaddrs: s.multiaddrs().map((a) => a.toString()),
      })),
      checkpoint: net.checkpoint(1),
      roster: await demoStaffRoster({ card: TEST_COST, pin: TEST_COST }),
      rollSecret: new Uint8Array(randomBytes(32)),
      roll: { rollId: 'e2e-roll-1', N: 1 << 10, r: 8, p: 1 },
    });
    const bundlePath = join(dir, 'bundle.cbor');
    writeFileSync(bundlePath, signBundle(bundle, authority));

    await page.locator('input[name="bundle"]').setInputFiles(bundlePath);
    await page.getByTestId('wizard-done').waitFor();
    expect(await page.getByTestId('wizard-done').textContent()).toContain(KIOSK_ID);
    expect(provisioning.status().state).toBe('provisioned');
    await shot('wizard-done');

    // The host's services restart from the record: the light node gets only the bundle.
    const p = provisioning.provisioned();
    if (p === null) throw new Error('not provisioned');
    const syncProvisioning = syncProvisioningOf(p.bundle);
    if (!syncProvisioning.ok) throw new Error(`bundle: ${syncProvisioning.error.kind}`);
    const node = await createSyncNode({
      keyFile: join(dir, 'kiosk', 'libp2p.key'),
      provisioning: syncProvisioning.value,
    });
    if (!node.ok) throw new Error('kiosk network');
    const service = createSyncService({
      node: node.value,
      store,
      provisioning: syncProvisioning.value,
      clock,
      random: Math.random,
      logger: silentLogger,
      txOf: devnetTxOf,
    });
    sync = { service, node: node.value };
    service.start();
    await until(
      'the light node verified the chain',
      () => (service.status().verifiedHeight ?? 0) > 1,
      60_000,
    );
  }, 120_000);

  it("lets the bundle's technician in, who sees the kiosk syncing", async () => {
    fake.emit({ type: 'present' });
    fake.emit({ type: 'read', document: staffDocument(DEMO_STAFF.tech) });
    await staff.router.idle();
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    for (const d of DEMO_STAFF.tech.pin)
      await page.getByRole('button', { name: d, exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await expect
      .poll(() => page.getByTestId('diag-sync').textContent(), { timeout: 15_000 })
      .toMatch(/Verified height [1-9]\d* of/);
    await shot('wizard-synced');
    fake.emit({ type: 'removed' });
    await staff.router.idle();
  }, 60_000);

  it('decommissions: a final signed export, then the key and the record are wiped', async () => {
    const call = async (method: string, body: unknown = {}) =>
      (await (
        await fetch(`${host.origin}/rpc/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
          body: JSON.stringify(body),
        })
      ).json()) as { ok: boolean; value?: { state: string }; error?: { kind: string } };
    // Only a signed-in technician may: poll staff and nobody are refused.
    expect((await call('provisioning.decommission')).error?.kind).toBe('not-signed-in');
    fake.emit({ type: 'present' });
    fake.emit({ type: 'read', document: staffDocument(DEMO_STAFF.poll) });
    await staff.router.idle();
    expect((await call('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).ok).toBe(true);
    expect((await call('provisioning.decommission')).error?.kind).toBe('forbidden');
    fake.emit({ type: 'read', document: staffDocument(DEMO_STAFF.tech) });
    await staff.router.idle();
    expect((await call('staff.submitPin', { pin: DEMO_STAFF.tech.pin })).ok).toBe(true);
    const key = provisioning.keys();
    if (key === null) throw new Error('no key');

    // A ballot still undelivered would be lost with the key: refused until it is settled.
    const ballot = new BallotFactory().next({ electionId: 'e-final', size: 64 });
    expect(store.outbox.enqueue(ballot).ok).toBe(true);
    expect((await call('provisioning.decommission')).error?.kind).toBe('undelivered-ballots');
    expect(store.outbox.transition(ballot.ballotId, { to: 'final', height: 5 }).ok).toBe(true);

    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await page.getByRole('button', { name: 'Decommission…' }).click();
    await shot('decommission');
    await page.getByRole('button', { name: 'Yes, wipe the kiosk key' }).click();
    await page.getByRole('heading', { name: 'Set up this kiosk' }).waitFor();
    const finals = readdirSync(join(dir, 'usb'));
    expect(finals.sort()).toEqual([
      `final-${KIOSK_ID}-e-final.csv`,
      `final-${KIOSK_ID}-e-final.json`,
    ]);
    for (const f of finals) {
      expect(verifyExport(readFileSync(join(dir, 'usb', f), 'utf8'), key.signingKey).ok).toBe(true);
    }
    expect(provisioning.status()).toEqual({ state: 'blank', fingerprint: null });
    expect(existsSync(join(dir, 'kiosk', RECORD_FILE))).toBe(false);
    expect((await call('staff.get')).value?.state).toBe('signed-out');
    await page.getByRole('heading', { name: 'Set up this kiosk' }).waitFor();

    expect(store.audit.verify().ok).toBe(true);
    const events = store.audit.entries(0, 1000).map((e) => e.event);
    for (const ev of [
      EVENTS.keyGenerated,
      EVENTS.provisionStart,
      EVENTS.provisionOk,
      EVENTS.staffSignIn,
      // The poll staff's refused decommission, and the decommission itself.
      EVENTS.staffDenied,
      EVENTS.provisionDecommission,
    ]) {
      expect(events, ev).toContain(ev);
    }
  }, 60_000);
});
