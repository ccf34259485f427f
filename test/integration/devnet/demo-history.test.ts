// The demo's governance history (src/devnet/scenario/demo-history.ts), checked through what
// the kiosk verifies: an official under recall with rating history and an acting official,
// and an open confidence vote about that official whose definition carries localized texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadElectionBytes } from '../../../src/ballot/index.js';
import {
  key,
  type CandidateRecord,
  type ElectionRecord,
  type OfficialRecord,
  type RatingRecord,
  type RecallRecord,
} from '../../../src/devnet/app/index.js';
import { DEMO_HISTORY } from '../../../src/devnet/scenario/demo-history.js';
import { runRecallScenario, type RecallScenario } from '../../../src/devnet/scenario/recall.js';
import { testNet, type TestNet } from '../../unit/devnet-net/helpers.js';
import { kioskSide, type KioskSide } from './verified.js';

const U = DEMO_HISTORY.unit;
const HEAD = 'mikalai-hrynevich';
const ACTING = 'alena-karpovich';
let t: TestNet;
let kiosk: KioskSide;
let history: RecallScenario;

beforeAll(async () => {
  t = testNet();
  const r = await runRecallScenario(
    { net: t.net, until: (h) => t.until(h), pass: (ms) => t.step(ms) },
    DEMO_HISTORY,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  history = r.value;
  kiosk = await kioskSide(t);
}, 60_000);

afterAll(async () => {
  await kiosk?.close();
  t?.close();
});

describe('the demo history, through verified state', () => {
  it('shows the head under recall, the acting official, and an open vote about the head', async () => {
    const poll = history.openPoll;
    if (poll === null) throw new Error('no open poll');
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
    expect(def.value.election.title.be).toBe('Давер старшыні Заслаўя падчас адклікання');
    expect(def.value.election.contests[0]?.options.map((o) => o.label.ru)).toEqual(['Да', 'Нет']);
  });
});
