import { describe, expect, it } from 'vitest';
import {
  calledElectionId,
  key,
  type ElectionRecord,
  type OfficialRecord,
  type RatingRecord,
  type RecallRecord,
} from '../../../src/devnet/app/index.js';
import {
  ballotTx,
  bytes32,
  Chain,
  DAY,
  electionBody,
  expectOk,
  expectRejected,
  params,
  runOfficeElection,
  runRatingPoll,
  tallyProofs,
  withUnit,
} from './harness.js';

const RECOVERY_DAYS = 30;

/** Village with ivan seated as head (olga runner-up, petr third). */
function seated(
  over: Parameters<typeof params>[0] = {},
  votes: Record<string, number> = { olga: 3, ivan: 5, petr: 1 },
) {
  const chain = new Chain();
  const u = {
    unit: 'village',
    ...withUnit(chain, 'village', {
      recoveryWindowS: RECOVERY_DAYS * DAY,
      ratingPollCadenceS: 10 * DAY,
      ...over,
    }),
  };
  runOfficeElection(chain, u, 'e-head', 'head', votes);
  return { chain, u };
}

const official = (chain: Chain, who = 'ivan') =>
  chain.get<OfficialRecord>(key.official('village', who));
const recall = (chain: Chain, who = 'ivan') => chain.get<RecallRecord>(key.recall('village', who));

describe('recall', () => {
  it('support below the threshold starts a recall; it does not recover; a new election is called', () => {
    const { chain, u } = seated();
    const r1 = runRatingPoll(chain, u, 'poll-1', 'ivan', 1, 10);
    expect(r1.notices.map((n) => n.event)).toContain('devnet.recall.started');
    expect(official(chain).status).toBe('under-recall');
    const started = recall(chain);
    expect(started).toMatchObject({
      status: 'active',
      acting: 'olga',
      actingRule: 'runner-up',
      recallThresholdBps: 2000,
      recoveryThresholdBps: 5000,
      startSupport: { num: 1, den: 10 },
      endsAtS: started.startedAtS + RECOVERY_DAYS * DAY,
    });

    // A poll inside the window (no cadence limit during a recall) shows 30 %: not enough.
    runRatingPoll(chain, u, 'poll-2', 'ivan', 3, 10);
    expect(recall(chain)).toMatchObject({ status: 'active', latestSupport: { num: 3, den: 10 } });

    chain.block([], started.endsAtS - 1);
    expect(recall(chain).status).toBe('active');
    const end = chain.block([], started.endsAtS);
    const calledId = calledElectionId('village', 'ivan', 1);
    expect(end.notices.map((n) => n.event)).toEqual([
      'devnet.recall.failed',
      'devnet.election.called',
    ]);
    expect(recall(chain)).toMatchObject({
      status: 'failed',
      calledElection: calledId,
      endedAt: chain.height,
    });
    expect(official(chain).status).toBe('recalled');
    expect(chain.get<ElectionRecord>(key.election(calledId))).toMatchObject({
      unit: 'village',
      status: 'called',
      purpose: { kind: 'office', office: 'head' },
      calledBy: { unit: 'village', official: 'ivan', round: 1 },
      window: null,
    });

    // The authority defines the called election (same unit and office) and it runs.
    expectRejected(
      chain.one(
        chain.auth(
          electionBody(chain, calledId, 'village', {
            kind: 'office',
            office: 'treasurer',
            candidates: ['olga'],
          }),
        ),
      ),
      'called-election-mismatch',
    );
    expectOk(
      chain.one(
        chain.auth(
          electionBody(chain, calledId, 'village', {
            kind: 'office',
            office: 'head',
            candidates: ['olga', 'petr'],
          }),
        ),
      ),
    );
    expect(chain.get<ElectionRecord>(key.election(calledId))).toMatchObject({
      status: 'scheduled',
      calledBy: { official: 'ivan' },
    });
  });

  it('support that recovers to the recovery threshold ends the recall; no election is called', () => {
    const { chain, u } = seated();
    runRatingPoll(chain, u, 'poll-1', 'ivan', 15, 100);
    expect(recall(chain).status).toBe('active');
    const r = runRatingPoll(chain, u, 'poll-2', 'ivan', 50, 100); // exactly 50 % recovers
    expect(r.notices.map((n) => n.event)).toContain('devnet.recall.recovered');
    expect(recall(chain)).toMatchObject({
      status: 'recovered',
      latestSupport: { num: 50, den: 100 },
    });
    expect(official(chain).status).toBe('serving');
    chain.block([], chain.timeS + 2 * RECOVERY_DAYS * DAY);
    expect(
      chain.state.list('election/').filter(([, e]) => (e as ElectionRecord).status === 'called'),
    ).toEqual([]);
    expect(recall(chain).status).toBe('recovered');
  });

  it('a recall overtaken by a regular election ends without calling another one', () => {
    const { chain, u } = seated();
    runRatingPoll(chain, u, 'poll-1', 'ivan', 1, 10);
    const { endsAtS } = recall(chain);
    runOfficeElection(chain, u, 'e-next', 'head', { olga: 5, ivan: 1 });
    expect(official(chain).status).toBe('succeeded');
    expect(official(chain, 'olga').status).toBe('serving');
    const end = chain.block([], endsAtS);
    expect(end.notices).toEqual([]);
    expect(recall(chain)).toMatchObject({ status: 'failed', calledElection: null });
  });

  it('exactly the recall threshold does not start a recall', () => {
    const { chain, u } = seated();
    runRatingPoll(chain, u, 'poll-1', 'ivan', 2, 10);
    expect(official(chain).status).toBe('serving');
    expect(chain.get(key.recall('village', 'ivan'))).toBeUndefined();
  });

  it('uses the unit’s thresholds, snapshotted when the recall starts', () => {
    const { chain, u } = seated({ recallThresholdBps: 4000, recoveryThresholdBps: 7000 });
    runRatingPoll(chain, u, 'poll-1', 'ivan', 3, 10); // 30 % < 40 %
    expect(recall(chain)).toMatchObject({
      status: 'active',
      recallThresholdBps: 4000,
      recoveryThresholdBps: 7000,
    });
    // Raising the bar mid-recall does not apply to this recall.
    expectOk(
      chain.one(
        chain.auth({
          kind: 'unit-params',
          unit: 'village',
          parent: null,
          params: params({
            recallThresholdBps: 4000,
            recoveryThresholdBps: 9000,
            recoveryWindowS: RECOVERY_DAYS * DAY,
          }),
        }),
      ),
    );
    runRatingPoll(chain, u, 'poll-2', 'ivan', 6, 10); // 60 %: below 70 %
    expect(recall(chain).status).toBe('active');
    runRatingPoll(chain, u, 'poll-3', 'ivan', 7, 10); // 70 %
    expect(recall(chain).status).toBe('recovered');
  });

  it('acting official: runner-up with a valid certificate, else the unit’s acting list, else vacant', () => {
    const listed = seated({ actingList: ['ivan', 'deputy'] }, { ivan: 5 } as Record<
      string,
      number
    >);
    runRatingPoll(listed.chain, listed.u, 'poll-1', 'ivan', 0, 10);
    expect(recall(listed.chain)).toMatchObject({ acting: 'deputy', actingRule: 'acting-list' });

    const vacant = seated({}, { ivan: 5 });
    runRatingPoll(vacant.chain, vacant.u, 'poll-1', 'ivan', 0, 10);
    expect(recall(vacant.chain)).toMatchObject({ acting: null, actingRule: 'vacant' });
  });

  it('routine rating polls respect the unit’s cadence', () => {
    const { chain, u } = seated();
    runRatingPoll(chain, u, 'poll-1', 'ivan', 8, 10);
    const tooSoon = chain.one(
      chain.auth(
        electionBody(chain, 'poll-2', 'village', { kind: 'rating', official: 'ivan', scale: 1 }),
      ),
    );
    const earliest = (official(chain).lastRatingPollOpens as number) + 10 * DAY;
    expect(expectRejected(tooSoon, 'rating-poll-too-soon')).toMatchObject({ earliest });
    chain.block([], earliest);
    runRatingPoll(chain, u, 'poll-2', 'ivan', 8, 10);
  });

  it('the rating history is public, per person, and follows the official to a higher unit', () => {
    const chain = new Chain();
    const city = { unit: 'city', ...withUnit(chain, 'city', { ratingPollCadenceS: 0 }) };
    const village = {
      unit: 'village',
      ...withUnit(chain, 'village', { ratingPollCadenceS: 0 }, 'city'),
    };
    runOfficeElection(chain, village, 'e-v', 'head', { ivan: 3, olga: 1 });
    runRatingPoll(chain, village, 'poll-v', 'ivan', 7, 10);
    runOfficeElection(chain, city, 'e-c', 'mayor', { ivan: 4, anna: 2 });
    runRatingPoll(chain, city, 'poll-c', 'ivan', 5, 10);
    const h = chain.get<RatingRecord>(key.rating('ivan'));
    expect(h.entries.map((e) => [e.unit, e.office, e.electionId, e.approval])).toEqual([
      ['village', 'head', 'poll-v', { num: 7, den: 10 }],
      ['city', 'mayor', 'poll-c', { num: 5, den: 10 }],
    ]);
  });

  it('a 0..5 score poll measures approval as total / (5 × ballots)', () => {
    const { chain, u } = seated();
    expectOk(
      chain.one(
        chain.auth(
          electionBody(chain, 'score', 'village', { kind: 'rating', official: 'ivan', scale: 5 }),
        ),
      ),
    );
    chain
      .block([0, 1, 2, 3].map((i) => ballotTx('score', u.kioskId, u.kiosk, bytes32(`s${i}`))))
      .outcomes.forEach(expectOk);
    chain.block([], chain.timeS + 2 * DAY);
    const t = (total: number) =>
      chain.auth({
        kind: 'tally',
        electionId: 'score',
        cast: 4,
        contests: [{ contestId: 'score', totals: [total] }],
        proofs: tallyProofs(chain, 'score'),
      });
    expectRejected(chain.one(t(21)), 'tally-shape'); // more than 5 × 4
    expectOk(chain.one(t(3))); // 3 / 20 = 15 %
    expect(recall(chain)).toMatchObject({ status: 'active', startSupport: { num: 3, den: 20 } });
  });
});
