// The scripted recall (src/devnet/scenario/recall.ts) on a running devnet, checked only
// through what a kiosk can verify: state items pulled over /veche/state/1 and proven against
// headers its light client verified, and ballot inclusion proofs against those headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calledElectionId,
  key,
  type ElectionRecord,
  type OfficialRecord,
  type RatingRecord,
  type RecallRecord,
} from '../../../src/devnet/app/index.js';
import {
  RECALL_SCENARIO_DEFAULTS,
  runRecallScenario,
  type RecallPhase,
  type RecallScenario,
} from '../../../src/devnet/scenario/recall.js';
import { toHex } from '../../../src/protocol/hash.js';
import { verifyTxInclusion } from '../../../src/protocol/light-rpc.js';
import { testNet, type TestNet } from '../../unit/devnet-net/helpers.js';
import { kioskSide, type KioskSide, type VerifiedView } from './verified.js';

const o = RECALL_SCENARIO_DEFAULTS;
const OFFICIAL = 'ivan'; // 3 of 6 votes
const RUNNER_UP = 'olga';
const unitKeys = [
  key.official(o.unit, OFFICIAL),
  key.official(o.unit, RUNNER_UP),
  key.rating(OFFICIAL),
  key.recall(o.unit, OFFICIAL),
  key.election(`${o.unit}-${o.office}-election`),
  key.election(`${o.unit}-${OFFICIAL}-rating-1`),
  key.election(`${o.unit}-${OFFICIAL}-confidence-1`),
  key.election(calledElectionId(o.unit, OFFICIAL, 1)),
];

let t: TestNet;
let kiosk: KioskSide;
let scenario: RecallScenario;
const seen = new Map<RecallPhase, VerifiedView>();
/**
 * Inclusion of each office ballot, checked right after they were cast: a header a few blocks
 * below the trusted one is reached by a short backwards walk (the headers protocol's per-peer
 * burst of 20 would refuse a long one).
 */
const included: { ballotId: string; height: number; verified: boolean }[] = [];

async function checkInclusions(ballots: readonly { ballotId: Uint8Array }[]): Promise<void> {
  for (const b of ballots) {
    const p = await kiosk.primary.proof(b.ballotId);
    if (!p.ok || p.value.status !== 'included') throw new Error(JSON.stringify(p));
    const header = await kiosk.header(p.value.height);
    included.push({
      ballotId: toHex(b.ballotId),
      height: p.value.height,
      verified: verifyTxInclusion(p.value, header).ok,
    });
  }
}

beforeAll(async () => {
  t = testNet();
  await t.until(1);
  kiosk = await kioskSide(t);
  const r = await runRecallScenario(
    { net: t.net, until: (h) => t.until(h), pass: (ms) => t.step(ms) },
    {
      ...o,
      // Each phase is looked at by the kiosk while the chain is at that point.
      observe: async (phase) => {
        const v = await kiosk.pull(unitKeys, [`ballot/${o.unit}-${o.office}-election/`]);
        seen.set(phase, v);
        if (phase === 'office-cast') {
          const ids = [...v.records.keys()].filter((k) => k.startsWith('ballot/'));
          await checkInclusions(ids.map((k) => ({ ballotId: fromHexKey(k) })));
        }
      },
    },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  scenario = r.value;
}, 120_000);

afterAll(async () => {
  await kiosk?.close();
  t?.close();
});

const fromHexKey = (k: string) =>
  Uint8Array.from(Buffer.from(k.slice(k.lastIndexOf('/') + 1), 'hex'));

const view = (p: RecallPhase): VerifiedView => {
  const v = seen.get(p);
  if (v === undefined) throw new Error(`phase ${p} was not observed`);
  return v;
};

describe('a scripted recall, seen through verified state', () => {
  it('the office election is tallied as cast and seats the winner', () => {
    const v = view('seated');
    const e = v.get<ElectionRecord>(key.election(`${o.unit}-${o.office}-election`));
    expect(e).toMatchObject({ status: 'tallied', cast: 6 });
    expect(e?.result?.contests[0]?.totals).toEqual([...o.officeVotes]);
    expect(v.get<OfficialRecord>(key.official(o.unit, OFFICIAL))).toMatchObject({
      status: 'serving',
      office: o.office,
      ranking: [OFFICIAL, RUNNER_UP, 'petr'],
    });
    expect(v.absent).toContain(key.recall(o.unit, OFFICIAL));
    // The ballots on chain are exactly the ones the kiosk sealed, each in a verified block.
    const onChain = [...v.records.keys()].filter((k) => k.startsWith('ballot/')).sort();
    expect(onChain).toEqual(
      scenario.office.ballots
        .map((b) => `ballot/${o.unit}-${o.office}-election/${toHex(b.ballotId)}`)
        .sort(),
    );
    expect(included.map((x) => x.ballotId).sort()).toEqual(
      scenario.office.ballots.map((b) => toHex(b.ballotId)).sort(),
    );
    expect(included.every((x) => x.verified && x.height < view('office-cast').height)).toBe(true);
  });

  it('ratings below the threshold start a recall with the runner-up acting', () => {
    const v = view('recall-started');
    expect(v.get<RatingRecord>(key.rating(OFFICIAL))?.entries).toMatchObject([
      { approval: { num: 2, den: 20 }, electionId: `${o.unit}-${OFFICIAL}-rating-1` },
    ]);
    expect(v.get<OfficialRecord>(key.official(o.unit, OFFICIAL))?.status).toBe('under-recall');
    const recall = v.get<RecallRecord>(key.recall(o.unit, OFFICIAL));
    expect(recall).toMatchObject({
      status: 'active',
      acting: RUNNER_UP,
      actingRule: 'runner-up',
      recallThresholdBps: 2000,
      recoveryThresholdBps: 5000,
      startSupport: { num: 2, den: 20 },
    });
    expect(recall && recall.endsAtS - recall.startedAtS).toBe(o.params.recoveryWindowS);
  });

  it('support does not recover during the window', () => {
    const v = view('not-recovered');
    expect(v.get<RatingRecord>(key.rating(OFFICIAL))?.entries.map((e) => e.approval)).toEqual([
      { num: 2, den: 20 },
      { num: 1, den: 3 },
    ]);
    expect(v.get<RecallRecord>(key.recall(o.unit, OFFICIAL))).toMatchObject({
      status: 'active',
      latestSupport: { num: 1, den: 3 },
    });
    expect(v.absent).toContain(key.election(calledElectionId(o.unit, OFFICIAL, 1)));
  });

  it('the window ends: the recall fails and a new election appears, then is scheduled', () => {
    const calledId = calledElectionId(o.unit, OFFICIAL, 1);
    const failed = view('recall-failed');
    expect(failed.get<RecallRecord>(key.recall(o.unit, OFFICIAL))).toMatchObject({
      status: 'failed',
      calledElection: calledId,
    });
    expect(failed.get<OfficialRecord>(key.official(o.unit, OFFICIAL))?.status).toBe('recalled');
    expect(failed.get<ElectionRecord>(key.election(calledId))).toMatchObject({
      status: 'called',
      unit: o.unit,
      purpose: { kind: 'office', office: o.office },
      calledBy: { unit: o.unit, official: OFFICIAL, round: 1 },
      window: null,
    });
    const scheduled = view('called-scheduled');
    expect(scheduled.get<ElectionRecord>(key.election(calledId))).toMatchObject({
      status: 'scheduled',
      purpose: { kind: 'office', office: o.office, candidates: [RUNNER_UP, 'petr'] },
    });
    expect(scenario.called?.electionId).toBe(calledId);
    // Every view was proven at a later height than the one before.
    const heights = (
      ['seated', 'recall-started', 'not-recovered', 'recall-failed', 'called-scheduled'] as const
    ).map((p) => view(p).height);
    expect([...heights].sort((a, b) => a - b)).toEqual(heights);
    expect(new Set(heights).size).toBe(heights.length);
  });
});
