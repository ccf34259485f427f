// The demo's jury as `npm run demo` sets it up (src/cli/demo-chain.ts demoSetup, then
// src/devnet/scenario/demo-jury.ts), checked through what the kiosk verifies: the jury election
// appears only once the draw and its eligibility tokens are on chain, and the jurors the
// kiosk's verified view accepts are exactly the draw recomputed from verified public data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drawJury,
  jurySeed,
  key,
  verifyJuryDraw,
  type JurorRecord,
  type JuryRecord,
} from '../../../src/devnet/app/index.js';
import { deriveNullifier } from '../../../src/ballot/index.js';
import { demoSetup } from '../../../src/cli/demo-chain.js';
import {
  DEMO_JUROR,
  DEMO_JURORS,
  DEMO_ROLL_SECRET,
  demoRoll,
  type DemoRollPerson,
} from '../../../src/cli/demo-voting.js';
import { DEMO_JURY_BILL, runDemoJury } from '../../../src/devnet/scenario/demo-jury.js';
import type { AuthorityTxs } from '../../../src/devnet/scenario/driver.js';
import type { DemoWorld } from '../../../src/devnet/world.js';
import { createVerifiedChainView } from '../../../src/main/voting/verified-chain-view.js';
import { compareBytes } from '../../../src/protocol/bytes.js';
import { decodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import { headerHash } from '../../../src/protocol/header.js';
import { verifyStateProof } from '../../../src/protocol/state-tree.js';
import { pullState } from '../../../src/sync/state-pull.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';
import { kioskSide, type KioskSide } from './verified.js';

const JURY_ELECTION = 'e-demo-jury';
let t: TestNet;
let kiosk: KioskSide;
let world: DemoWorld;
let roll: Map<string, DemoRollPerson>;
let tokenOf: (entry: Uint8Array) => Uint8Array | undefined;
let auth: AuthorityTxs;

/** The validators limit each peer's state requests (burst 20, 10/s, on the real clock) and a
 * view refresh makes one per key prefix: let the allowance refill between refreshes. */
const refill = () => new Promise((r) => setTimeout(r, 2100));

const kioskView = () =>
  createVerifiedChainView({
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

beforeAll(async () => {
  t = testNet();
  const setup = demoSetup(t.net, t.clock.now());
  world = setup.world;
  tokenOf = setup.tokenOf;
  auth = setup.auth;
  roll = demoRoll(t.clock.now());
  for (const tx of setup.txs) {
    const r = t.net.submit(tx, 0);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  await t.until(3);
  kiosk = await kioskSide(t);
}, 60_000);

afterAll(async () => {
  await kiosk?.close();
  t?.close();
});

describe('the demo jury, through verified state', () => {
  it('is listed only once drawn, for exactly the recomputed draw', async () => {
    // Requested, not yet drawn: the kiosk has no jury election to offer.
    const before = kioskView();
    const b = await before.refresh();
    if (!b.ok) throw new Error(JSON.stringify(b.error));
    const listed = () => before.view.elections().map((e) => e.ctx.election.electionId);
    expect(listed()).not.toContain(JURY_ELECTION);
    expect(listed()).toContain('e-demo-referendum');

    const driver = {
      net: t.net,
      until: (h: number) => t.until(h),
      pass: (ms: number) => t.step(ms),
    };
    const r = await runDemoJury(driver, { world, tokenOf, auth });
    if (!r.ok) throw new Error(JSON.stringify(r.error));

    await refill();
    const after = kioskView();
    const a = await after.refresh();
    if (!a.ok) throw new Error(JSON.stringify(a.error));
    expect(after.view.elections().map((e) => e.ctx.election.electionId)).toContain(JURY_ELECTION);

    await refill();
    // The draw recomputed from verified public data: the jury record, the unit's juror records
    // in the state the draw block started from, and the ids of the blocks in between.
    const jury = (await kiosk.pull([key.jury(DEMO_JURY_BILL)])).get<JuryRecord>(
      key.jury(DEMO_JURY_BILL),
    );
    if (jury === undefined) throw new Error('no jury record in verified state');
    expect(jury).toMatchObject({ status: 'drawn', unit: world.unit, size: DEMO_JURORS.length });
    const drawHeader = await kiosk.header(jury.drawAt);
    const listing = await kiosk.primary.state({
      height: jury.drawAt,
      keys: [],
      prefix: key.jurorPrefix(world.unit),
    });
    if (!listing.ok || listing.value.status !== 'ok') throw new Error(JSON.stringify(listing));
    const nowS = Math.floor(drawHeader.time / 1000);
    const pool = listing.value.proofs
      .map((p) => {
        if (p.kind !== 'present') throw new Error('a listing holds present items');
        const v = verifyStateProof(drawHeader.appHash, p.item.key, p);
        if (!v.ok || v.value === null) throw new Error(`juror proof: ${JSON.stringify(v)}`);
        const d = decodeCanonical(v.value);
        if (!d.ok) throw new Error('undecodable juror');
        return d.value as unknown as JurorRecord;
      })
      .filter((j) => j.legal.validUntil > nowS && j.political.validUntil > nowS)
      .map((j) => j.entry);
    const ids: Uint8Array[] = [];
    for (let h = jury.requestedAt; h < jury.drawAt; h++)
      ids.push(headerHash(await kiosk.header(h)));
    const published = { billId: jury.billId, jurors: jury.jurors, poolHash: must(jury.poolHash) };
    expect(verifyJuryDraw(published, pool, ids)).toBe(true);
    const drawn = new Set(drawJury(pool, jury.size, jurySeed(DEMO_JURY_BILL, ids)).map(toHex));

    // The kiosk's juror set is that draw: every roll entry it knows, sample people and the
    // world's other voters alike, is a juror exactly when the recomputed draw has it.
    const entries = [...[...roll.values()].map((p) => p.entry), ...world.rollEntries];
    for (const e of entries) {
      expect(after.view.onRoll(e)).toBe(true);
      expect(after.view.isDrawnJuror(JURY_ELECTION, e)).toBe(drawn.has(toHex(e)));
    }
    const jurorIds = [...roll].filter(([, p]) => drawn.has(toHex(p.entry))).map(([id]) => id);
    expect(jurorIds.sort()).toEqual([...DEMO_JURORS].sort());
    expect(jurorIds).toContain(DEMO_JUROR);
    expect(jurorIds).not.toContain('lutsevich-td1');
    expect(jurorIds).not.toContain('eriksson-td3');

    // The published eligibility tokens are the drawn jurors' nullifiers for the jury election,
    // sorted (their order links no token to a juror).
    const tokens = jurorIds.map((id) =>
      toHex(deriveNullifier(DEMO_ROLL_SECRET, must(roll.get(id)).identityKey, JURY_ELECTION)),
    );
    expect(jury.eligible.map(toHex)).toEqual(tokens.sort());
    expect([...jury.eligible].sort(compareBytes).map(toHex)).toEqual(jury.eligible.map(toHex));
  });
});
