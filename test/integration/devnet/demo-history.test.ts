// The demo's governance history (src/devnet/scenario/demo-history.ts) played after the demo
// world, in the demo kiosk's own unit, checked through what the kiosk verifies: an official
// under recall with rating history and an acting official, an open confidence vote about that
// official on the demo kiosk's list with the profile the voter screen shows, and the world's
// own elections and parameters untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadElectionBytes } from '../../../src/ballot/index.js';
import {
  DEFAULT_UNIT_PARAMS,
  key,
  type CandidateRecord,
  type ElectionRecord,
  type KioskRecord,
  type OfficialRecord,
  type RatingRecord,
  type RecallRecord,
  type UnitRecord,
} from '../../../src/devnet/app/index.js';
import {
  DEMO_HISTORY,
  DEMO_HISTORY_KIOSK_ID,
  DEMO_HISTORY_OFFICIAL,
  DEMO_HISTORY_OPEN_POLL,
} from '../../../src/devnet/scenario/demo-history.js';
import { runRecallScenario, type RecallScenario } from '../../../src/devnet/scenario/recall.js';
import { DEMO_KIOSK_ID, DEMO_UNIT, demoWorld, type DemoWorld } from '../../../src/devnet/world.js';
import { buildProfile } from '../../../src/main/voting/profile.js';
import { createVerifiedChainView } from '../../../src/main/voting/verified-chain-view.js';
import { pullState } from '../../../src/sync/state-pull.js';
import { LightClient } from '../../../src/sync/light-service.js';
import { DEFAULT_TRUST_OPTIONS } from '../../../src/sync/light/index.js';
import type { PeerRpc } from '../../../src/sync/rpc.js';
import { err } from '../../../src/shared/result.js';
import { silentLogger } from '../../../src/shared/log.js';
import { storeDatabase } from '../../../src/store/store.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';
import { kioskSide, type KioskSide } from './verified.js';

const U = DEMO_HISTORY.unit;
const HEAD = 'mikalai-hrynevich';
const ACTING = 'alena-karpovich';
let t: TestNet;
let kiosk: KioskSide;
let world: DemoWorld;
let history: RecallScenario;

beforeAll(async () => {
  t = testNet();
  // As src/cli/demo-chain.ts does: the world's transactions first, the history after them.
  world = demoWorld('demo', t.net.authority, Math.floor(t.clock.now() / 1000));
  for (const tx of world.txs) {
    const r = t.net.submit(tx, 0);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  await t.until(3);
  const r = await runRecallScenario(
    { net: t.net, until: (h) => t.until(h), pass: (ms) => t.step(ms) },
    DEMO_HISTORY,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  history = r.value;
  kiosk = await kioskSide(t);
}, 90_000);

afterAll(async () => {
  await kiosk?.close();
  t?.close();
});

describe('the demo history, through verified state', () => {
  it('plays in the demo kiosk unit with its own kiosk, leaving the world as it was', async () => {
    expect(U).toBe(DEMO_UNIT);
    const v = await kiosk.pull(
      [key.param(U), key.kiosk(DEMO_KIOSK_ID), key.kiosk(DEMO_HISTORY_KIOSK_ID)],
      ['election/e-demo-'],
    );
    expect(v.get<UnitRecord>(key.param(U))?.params).toEqual(DEFAULT_UNIT_PARAMS);
    expect(v.get<KioskRecord>(key.kiosk(DEMO_KIOSK_ID))).toMatchObject({
      unit: U,
      status: 'active',
    });
    expect(v.get<KioskRecord>(key.kiosk(DEMO_HISTORY_KIOSK_ID))).toMatchObject({
      unit: U,
      status: 'active',
    });
    // Every election of the world is still open for the demo's voters, none with a ballot.
    for (const e of world.elections) {
      expect(v.get<ElectionRecord>(key.election(e.electionId))).toMatchObject({
        status: 'scheduled',
        cast: 0,
      });
    }
  });

  it('shows the head under recall, the acting official, and an open vote about the head', async () => {
    const poll = history.openPoll;
    if (poll === null) throw new Error('no open poll');
    // The demo kiosk opens the polls of this id before the scenario has told it anything.
    expect(history.official).toBe(DEMO_HISTORY_OFFICIAL);
    expect(poll.electionId).toBe(DEMO_HISTORY_OPEN_POLL);
    const v = await kiosk.pull([
      key.official(U, HEAD),
      key.rating(HEAD),
      key.recall(U, HEAD),
      key.candidate(HEAD),
      key.election(poll.electionId),
    ]);
    expect(v.get<OfficialRecord>(key.official(U, HEAD))).toMatchObject({
      status: 'under-recall',
      office: 'head',
      ranking: [HEAD, ACTING, 'siarhei-lis'],
    });
    // Scores 1, 0, 2, 0, 1 of 5 each: 4 / 25 = 16 %, below the 20 % threshold.
    expect(v.get<RatingRecord>(key.rating(HEAD))?.entries.map((e) => e.approval)).toEqual([
      { num: 4, den: 25 },
    ]);
    expect(v.get<RecallRecord>(key.recall(U, HEAD))).toMatchObject({
      status: 'active',
      acting: ACTING,
      actingRule: 'runner-up',
    });
    expect(v.get<CandidateRecord>(key.candidate(HEAD))?.name).toBe('Mikalai Hrynevich');
    const e = v.get<ElectionRecord>(key.election(poll.electionId));
    expect(e).toMatchObject({
      status: 'scheduled',
      purpose: { kind: 'rating', official: HEAD, scale: 1 },
    });
    // The definition loads as the kiosk would load it (guardian proofs verify).
    const def = loadElectionBytes(e?.definition ?? new Uint8Array());
    if (!def.ok) throw new Error(`definition: ${JSON.stringify(def.error)}`);
    expect(def.value.election.title.be).toBe('Давер старшыні Полацка падчас адклікання');
    expect(def.value.election.contests[0]?.options.map((o) => o.label.ru)).toEqual(['Да', 'Нет']);
  });

  it("the demo kiosk's verified view lists the vote and profiles the official under recall", async () => {
    const poll = must(history.openPoll);
    const verified = createVerifiedChainView({
      unit: world.unit,
      source: {
        pullState: (q) =>
          pullState(kiosk.light, kiosk.primary, kiosk.store, t.net.genesis.chainId, q),
        headerTime: async (h) => {
          const r = await kiosk.light.headerAt(h);
          return r.ok ? r.value.time : null;
        },
      },
    });
    const r = await verified.refresh();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const ids = verified.view.elections().map((e) => e.ctx.election.electionId);
    expect(ids).toContain(poll.electionId);
    for (const e of world.elections) expect(ids).toContain(e.electionId);
    expect(verified.view.subject(poll.electionId)).toEqual({ kind: 'official', official: HEAD });

    const profile = buildProfile(
      verified.view,
      poll.electionId,
      '',
      Math.floor(t.clock.now() / 1000),
    );
    if (!profile.ok) throw new Error(JSON.stringify(profile.error));
    const p = profile.value;
    // Display names and promise texts in the voter's language, from the chain's records.
    expect(p.name).toEqual({
      be: 'Мікалай Грыневіч',
      ru: 'Николай Гриневич',
      en: 'Mikalai Hrynevich',
    });
    expect(p.role).toEqual({
      be: 'Старшыня Полацка',
      ru: 'Председатель Полоцка',
      en: 'Head of Polatsk',
    });
    expect(p.status).toMatchObject({
      kind: 'under-recall',
      acting: { be: 'Алена Карповіч', en: 'Alena Karpovich' },
    });
    expect(p.status.kind === 'under-recall' ? p.status.support : null).toBeCloseTo(0.16);
    expect(p.ratings.map((x) => x.approval)).toEqual([0.16]);
    expect(p.promises.map((x) => x.text.en)).toEqual([
      'Repair the Dvina bridge by autumn',
      'Publish every council expense online',
    ]);
    expect(p.promises[0]?.text.be).toBe('Адрамантаваць мост праз Дзвіну да восені');
    expect(p.certificate).toMatchObject({ certificateId: `mq-${HEAD}`, valid: true });

    // A few blocks on, nothing under the kiosk's prefixes changed: the listings are proven
    // again (unchanged digests) at the newer height, which is what a restore will report.
    await t.until(r.value.height + 3);
    const again = await verified.refresh();
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    expect(again.value.height).toBeGreaterThan(r.value.height);

    // Restarted with no validator reachable: a new light client over the same store, and a
    // view restored from what the store kept. Same elections, roll and profiles, days and
    // all (the seating and rating heights were linked headers, kept on disk).
    const chainId = t.net.genesis.chainId;
    const down = { kind: 'closed' as const, message: 'no network' };
    const unreachable: PeerRpc = {
      peerId: 'unreachable',
      lightBlock: () => Promise.resolve(err(down)),
      latestHeight: () => Promise.resolve(err(down)),
      submit: () => Promise.resolve(err(down)),
      proof: () => Promise.resolve(err(down)),
      state: () => Promise.resolve(err(down)),
      submitBatch: () => Promise.resolve(err(down)),
      proofBatch: () => Promise.resolve(err(down)),
    };
    const offlineLight = new LightClient({
      store: kiosk.store,
      chainId,
      checkpoint: t.net.checkpoint(1),
      peers: [unreachable],
      clock: t.clock,
      options: DEFAULT_TRUST_OPTIONS,
      logger: silentLogger,
    });
    const offline = createVerifiedChainView({
      unit: world.unit,
      source: {
        pullState: (q) => pullState(offlineLight, unreachable, kiosk.store, chainId, q),
        headerTime: async (h) => {
          const r = await offlineLight.headerAt(h);
          return r.ok ? r.value.time : null;
        },
        storedListing: (prefix) => kiosk.store.synced.storedListing(chainId, prefix),
      },
    });
    expect((await offline.refresh()).ok).toBe(false);
    const restored = await offline.restore();
    if (!restored.ok) throw new Error(JSON.stringify(restored.error));
    expect(restored.value).toMatchObject({ elections: r.value.elections, people: r.value.people });
    // As fresh as the last proof, not as old as the last change.
    expect(restored.value.height).toBe(again.value.height);
    expect(offline.view.elections().map((e) => e.ctx.election.electionId)).toEqual(ids);
    expect(offline.view.person(HEAD)).toEqual(verified.view.person(HEAD));
    expect(offline.view.person(ACTING)).toEqual(verified.view.person(ACTING));
    for (const entry of world.rollEntries) expect(offline.view.onRoll(entry)).toBe(true);
    // Nothing to restore from an empty store.
    const blank = createVerifiedChainView({
      unit: world.unit,
      source: {
        pullState: (q) => pullState(offlineLight, unreachable, kiosk.store, chainId, q),
        headerTime: () => Promise.resolve(null),
        storedListing: () => ({ items: [], height: -1 }),
      },
    });
    expect(await blank.restore()).toEqual({ ok: false, error: { kind: 'nothing-stored' } });

    // A stored item that no longer matches its listing's digest (a damaged row) is not
    // restored: every later refresh would otherwise hold it as "unchanged".
    const db = storeDatabase(kiosk.store);
    const row = db
      .prepare<[string, string], { key: string }>(
        'SELECT key FROM state_items WHERE chain_id = ? AND key >= ? ORDER BY key LIMIT 1',
      )
      .get(chainId, `roll/${world.unit}/`);
    if (row === undefined) throw new Error('no roll row');
    db.prepare('UPDATE state_items SET value = ? WHERE chain_id = ? AND key = ?').run(
      Buffer.from([0xf6]),
      chainId,
      row.key,
    );
    const damaged = createVerifiedChainView({
      unit: world.unit,
      source: {
        pullState: (q) => pullState(offlineLight, unreachable, kiosk.store, chainId, q),
        headerTime: () => Promise.resolve(null),
        storedListing: (prefix) => kiosk.store.synced.storedListing(chainId, prefix),
      },
    });
    expect(await damaged.restore()).toEqual({
      ok: false,
      error: {
        kind: 'record',
        key: `roll/${world.unit}/`,
        message: 'stored listing does not match its digest',
      },
    });
  });
});
