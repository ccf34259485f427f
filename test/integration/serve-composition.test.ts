// The production composition (src/main/kiosk-composition.ts) on a blank state directory,
// against the in-process devnet: the wizard answers over RPC, the authority's bundle is
// imported, the composition asks for a restart, and the restarted kiosk, built from nothing
// but its state directory, follows the bundle's validators to a verified height; voting runs
// from the bundle's roll secret and roll parameters (nothing supplied by the test), and a
// voter's ballot cast over RPC reaches final.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveIdentityKey, deriveRollEntry, type RollParams } from '../../src/ballot/index.js';
import { encodeTx, signTx, type TxBody } from '../../src/devnet/app/index.js';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { serveLightProtocols } from '../../src/devnet/rpc.js';
import { DEMO_UNIT, demoWorld } from '../../src/devnet/world.js';
import { createHost, type Host } from '../../src/main/host.js';
import { TEST_COST } from '../../src/main/keys/kdf.js';
import { createPassphraseSealer } from '../../src/main/keys/passphrase-sealer.js';
import {
  composeKiosk,
  type KioskComposition,
  type KioskTrust,
} from '../../src/main/kiosk-composition.js';
import { buildBundle, parseEnrollment, signBundle } from '../../src/main/provisioning/index.js';
import { DEMO_STAFF, demoStaffRoster } from '../../src/main/staff/demo-staff.js';
import { documentIdentity } from '../../src/main/voting/index.js';
import { createNetNode, type NetNode } from '../../src/net/node.js';
import { ed25519SignerFromSeed, generateEd25519Seed } from '../../src/protocol/ed25519.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/shared/log.js';
import { verifyExport } from '../../src/store/export.js';
import { ALICE, fakeDevices } from '../support/fake-devices.js';
import { staffDocument } from '../support/staff-kiosk.js';

const KIOSK_ID = 'kiosk-serve-1';
const PLACE = 'pp-021';
const ROLL_PARAMS: RollParams = { rollId: 'serve-roll-1', N: 1 << 10, r: 8, p: 1 };
const ELECTION = 'e-demo-referendum';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clock = systemClock();
const authority = ed25519SignerFromSeed(generateEd25519Seed());
const rollSecret = new Uint8Array(randomBytes(32));
let dir: string;
let stateDir: string;
let net: Devnet;
const servers: NetNode[] = [];
let authoritySeq = 0;
let fake: ReturnType<typeof fakeDevices>;
let kiosk: KioskComposition | undefined;
let host: Host | undefined;

async function until(what: string, f: () => boolean | Promise<boolean>, ms = 30_000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await f()) return;
  throw new Error(`timed out: ${what}`);
}

type Reply = { ok: boolean; value?: Record<string, unknown>; error?: { kind: string } };
async function rpc(method: string, body: unknown = {}): Promise<Reply> {
  if (host === undefined) throw new Error('no host');
  const res = await fetch(`${host.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Reply;
}

function trust(): KioskTrust {
  const sealer = createPassphraseSealer({ passphrase: 'serve test passphrase', cost: TEST_COST });
  if (!sealer.ok) throw new Error('sealer');
  return { kind: 'configured', authorityKeys: [authority.publicKey], sealer: sealer.value };
}

/** What `serve --state-dir` does at every start, with the test's devices. */
async function start(): Promise<void> {
  kiosk = await composeKiosk({
    stateDir,
    devices: fake.devices,
    clock,
    logger: silentLogger,
    trust: trust(),
    exportDir: join(dir, 'usb'),
  });
  host = await createHost({
    clock,
    logger: silentLogger,
    devices: fake.devices,
    staff: kiosk.staff,
    chainView: kiosk.chainView,
    ...(kiosk.voting !== undefined ? { voting: kiosk.voting } : {}),
    rendererDir: join(dir, 'no-renderer'),
  });
}

async function stop(): Promise<void> {
  await host?.close();
  await kiosk?.close();
  host = undefined;
  kiosk = undefined;
}

/** The session's roll verdict, once the check is done. */
async function rollVerdict(): Promise<unknown> {
  let eligibility: { status: string } | undefined;
  await until('the roll verdict', async () => {
    const v = (await rpc('session.get')).value as { eligibility?: { status: string } };
    eligibility = v.eligibility;
    return eligibility !== undefined && eligibility.status !== 'checking';
  });
  return eligibility;
}

async function card(e: Parameters<ReturnType<typeof fakeDevices>['emit']>[0]) {
  fake.emit(e);
  await kiosk?.staff.router.idle();
}

beforeAll(async () => {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  dir = mkdtempSync(join(base, 'veche-serve-'));
  stateDir = join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(join(dir, 'usb'));
  net = startDevnet({ dir: join(dir, 'devnet'), clock, blockMs: 400, logger: silentLogger });
  const world = demoWorld('serve', net.authority, Math.floor(clock.now() / 1000));
  const aliceEntry = deriveRollEntry(
    rollSecret,
    deriveIdentityKey(ROLL_PARAMS, documentIdentity(ALICE)),
  );
  const roll = encodeTx(
    signTx(
      {
        kind: 'roll-add',
        seq: world.txs.length + 1,
        unit: DEMO_UNIT,
        entries: [aliceEntry],
      } as unknown as TxBody,
      net.authority,
    ),
  );
  for (const tx of [...world.txs, roll]) expect(net.submit(tx, 0).ok).toBe(true);
  authoritySeq = world.txs.length + 1;
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
  fake = fakeDevices();
}, 90_000);

afterAll(async () => {
  await stop();
  for (const s of servers) await s.stop().catch(() => undefined);
  net?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the composed kiosk from a blank state directory', () => {
  it('answers the wizard and the staff methods, not provisioned, no chain', async () => {
    await start();
    expect((await rpc('provisioning.status')).value).toEqual({ state: 'blank', fingerprint: null });
    expect((await rpc('staff.get')).value).toEqual({ state: 'signed-out' });
    // Known but refused: nobody is signed in (an unknown method would be 404 'unknown-method').
    expect((await rpc('polls.list')).error?.kind).toBe('not-signed-in');
    // No voting service on a blank kiosk: its methods are not registered at all.
    expect((await rpc('voting.votes')).error?.kind).toBe('unknown-method');
    expect(kiosk?.chain).toEqual({ kind: 'not-provisioned' });
    expect(kiosk?.chainView().lastError).toBe('not provisioned');
  });

  it('imports the bundle over RPC and asks for a restart', async () => {
    const begun = await rpc('provisioning.beginEnrollment', {
      unit: DEMO_UNIT,
      pollingPlace: PLACE,
    });
    expect(begun.ok).toBe(true);
    const file = Buffer.from(String(begun.value?.['file']), 'base64url');
    const enrollment = parseEnrollment(new Uint8Array(file));
    if (!enrollment.ok) throw new Error(`enrollment: ${enrollment.error.kind}`);
    const request = enrollment.value.request;

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
      rollSecret,
      roll: ROLL_PARAMS,
    });
    const restart = kiosk?.restart;
    const imported = await rpc('provisioning.importBundle', {
      bundle: Buffer.from(signBundle(bundle, authority)).toString('base64url'),
    });
    expect(imported.value).toMatchObject({ state: 'provisioned', kioskId: KIOSK_ID });
    await expect(restart).resolves.toBe('provisioned');
    await stop();
  }, 60_000);

  it('after the restart: syncs, and voting runs from the bundle alone', async () => {
    await start();
    expect((await rpc('provisioning.status')).value).toMatchObject({
      state: 'provisioned',
      kioskId: KIOSK_ID,
      chainId: net.genesis.chainId,
    });
    expect(kiosk?.chain).toBe('running');
    expect(kiosk?.votingState).toBe('running');
    expect(kiosk?.voting).toBeDefined();
    // A signed-in technician sees it in diagnostics.
    await card({ type: 'present' });
    await card({ type: 'read', document: staffDocument(DEMO_STAFF.tech) });
    expect((await rpc('staff.submitPin', { pin: DEMO_STAFF.tech.pin })).ok).toBe(true);
    expect((await rpc('diagnostics.get')).value?.['voting']).toEqual({
      available: true,
      reason: null,
    });
    await rpc('staff.signOut');
    await card({ type: 'removed' });
    await until('a verified height', () => (kiosk?.chainView().verifiedHeight ?? 0) > 1, 60_000);
    await stop();
  }, 90_000);

  it('the polls open and a ballot cast over RPC reaches final', async () => {
    await start();
    expect(kiosk?.votingState).toBe('running');
    // The bundle's poll staff opens the polls (the elections come from verified state).
    await card({ type: 'present' });
    await card({ type: 'read', document: staffDocument(DEMO_STAFF.poll) });
    expect((await rpc('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).ok).toBe(true);
    await until(
      'the election in the verified view',
      async () =>
        ((await rpc('polls.list')).value as unknown as { electionId: string }[] | undefined)?.some(
          (e) => e.electionId === ELECTION,
        ) ?? false,
      60_000,
    );
    expect((await rpc('polls.open', { electionId: ELECTION })).value).toMatchObject({
      state: 'open',
    });
    await rpc('staff.signOut');
    await card({ type: 'removed' });

    await card({ type: 'present' });
    await card({ type: 'read', document: ALICE });
    await until('the voter eligible', async () => (await rpc('voting.votes')).ok, 30_000);
    expect((await rpc('voting.open', { electionId: ELECTION })).value).toMatchObject({
      outcome: 'ballot',
    });
    expect((await rpc('voting.review', { picks: { main: { yes: 1 } } })).ok).toBe(true);
    const sealed = (await rpc('voting.confirm')).value as { outcome: string; code: string };
    expect(sealed.outcome).toBe('sealed');
    expect((await rpc('voting.cast')).value).toMatchObject({
      outcome: 'recorded',
      code: sealed.code,
    });
    await until('the ballot final', () => kiosk?.chainView().queue['final'] === 1, 60_000);
    expect(kiosk?.chainView().alarm).toBeNull();
    await card({ type: 'removed' });
  }, 150_000);

  it('exports the signed reconciliation to the drive folder, verifiable by the kiosk key', async () => {
    await card({ type: 'present' });
    await card({ type: 'read', document: staffDocument(DEMO_STAFF.poll) });
    expect((await rpc('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).ok).toBe(true);
    const r = await rpc('reports.exportToFolder', { electionId: ELECTION });
    const files = (r.value as { files: string[] } | undefined)?.files ?? [];
    expect(files.map((f) => f.slice(-4))).toEqual(['json', '.csv']);
    expect(readdirSync(join(dir, 'usb')).sort()).toEqual([...files].sort());
    const key = kiosk?.provisioning.keys()?.signingKey;
    if (key === undefined) throw new Error('no kiosk key');
    for (const f of files) {
      expect(verifyExport(readFileSync(join(dir, 'usb', f), 'utf8'), key).ok).toBe(true);
    }
    await rpc('staff.signOut');
    await card({ type: 'removed' });
  }, 30_000);

  it('restarted with no validator reachable: the kept view knows the roll and the vote', async () => {
    await stop();
    for (const s of servers) await s.stop();
    await start();
    expect(kiosk?.votingState).toBe('running');
    // Alice is on the roll and has voted in the one open election: "nothing to vote", not
    // "not on the roll" (an empty view would say that). No validator has answered.
    await card({ type: 'present' });
    await card({ type: 'read', document: ALICE });
    expect(await rollVerdict()).toEqual({ status: 'refused', reason: 'nothing-to-vote' });
    await card({ type: 'removed' });
    // The election is listed for the staff from the kept view too.
    await card({ type: 'present' });
    await card({ type: 'read', document: staffDocument(DEMO_STAFF.poll) });
    expect((await rpc('staff.submitPin', { pin: DEMO_STAFF.poll.pin })).ok).toBe(true);
    const listed = (await rpc('polls.list')).value as unknown as { electionId: string }[];
    expect(listed.map((e) => e.electionId)).toContain(ELECTION);
    expect(kiosk?.chainView().verifiedHeight ?? 0).toBeGreaterThan(1);
    await rpc('staff.signOut');
    await card({ type: 'removed' });

    // With an unresolved witness conflict nothing stored is used: the listings may have come
    // from the primary that forked.
    const recorded = kiosk?.store.evidence.record({
      chainId: net.genesis.chainId,
      height: 5,
      commonHeight: 2,
      primaryPeer: 'peer-a',
      witnessPeer: 'peer-b',
      body: new Uint8Array([1, 2, 3]),
    });
    expect(recorded?.ok).toBe(true);
    await stop();
    await start();
    await card({ type: 'present' });
    await card({ type: 'read', document: ALICE });
    expect(await rollVerdict()).toEqual({ status: 'refused', reason: 'not-on-roll' });
    await card({ type: 'removed' });
  }, 60_000);
});
