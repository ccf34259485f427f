import { describe, expect, it } from 'vitest';
import {
  key,
  rankCandidates,
  type ElectionRecord,
  type OfficialRecord,
} from '../../../src/devnet/app/index.js';
import { encodeCanonical } from '../../../src/protocol/encoding.js';
import {
  ballotTx,
  bytes32,
  Chain,
  challengeTx,
  DAY,
  electionBody,
  expectOk,
  expectRejected,
  rejectingDeps,
  runOfficeElection,
  tallyProofs,
  windowFrom,
  withUnit,
} from './harness.js';

function withClosedElection(votes = 3) {
  const chain = new Chain();
  const u = withUnit(chain);
  expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
  const ballots = Array.from({ length: votes }, (_, i) =>
    ballotTx('e1', u.kioskId, u.kiosk, bytes32(`v${i}`)),
  );
  chain.block(ballots).outcomes.forEach(expectOk);
  return { chain, ...u };
}

const tally = (chain: Chain, over: Record<string, unknown> = {}) =>
  chain.auth({
    kind: 'tally',
    electionId: 'e1',
    cast: 3,
    contests: [{ contestId: 'q', totals: [2, 1] }],
    proofs: tallyProofs(chain, 'e1'),
    ...over,
  });

describe('election definition', () => {
  it('stores unit, purpose, window, styles, guardian key and the opaque definition', () => {
    const chain = new Chain();
    withUnit(chain);
    const w = windowFrom(chain, 3);
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }, w))));
    expect(chain.get<ElectionRecord>(key.election('e1'))).toMatchObject({
      unit: 'village',
      status: 'scheduled',
      window: w,
      ballotStyles: ['main'],
      guardianKey: bytes32('K-e1'),
      definition: encodeCanonical({ electionId: 'e1' }),
      cast: 0,
    });
  });

  it('rejects an existing id, an unknown unit, a window already over, and purposes that point nowhere', () => {
    const chain = new Chain();
    withUnit(chain);
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
    expectRejected(
      chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))),
      'election-exists',
    );
    expectRejected(
      chain.one(chain.auth(electionBody(chain, 'e2', 'atlantis', { kind: 'general' }))),
      'unknown-unit',
    );
    const past = { opens: chain.timeS - 2 * DAY, closes: chain.timeS };
    expectRejected(
      chain.one(chain.auth(electionBody(chain, 'e2', 'village', { kind: 'general' }, past))),
      'window-in-past',
    );
    expectRejected(
      chain.one(
        chain.auth(
          electionBody(chain, 'e2', 'village', { kind: 'rating', official: 'x', scale: 1 }),
        ),
      ),
      'unknown-official',
    );
    expectRejected(
      chain.one(chain.auth(electionBody(chain, 'e2', 'village', { kind: 'jury', billId: 'b' }))),
      'unknown-jury',
    );
    // The definition must load and match the record (the injected election verifier).
    expectRejected(
      chain.one(
        chain.auth({
          ...electionBody(chain, 'e2', 'village', { kind: 'general' }),
          definition: encodeCanonical({ electionId: 'e3' }),
        }),
      ),
      'election-invalid',
    );
    chain.deps = rejectingDeps;
    expect(
      expectRejected(
        chain.one(chain.auth(electionBody(chain, 'e2', 'village', { kind: 'general' }))),
        'election-invalid',
      ),
    ).toMatchObject({ reason: 'bad-guardian-proof' });
  });
});

describe('tally', () => {
  it('is accepted once the election closed, with the chain’s count and verified proofs', () => {
    const { chain } = withClosedElection();
    expect(expectRejected(chain.one(tally(chain)), 'election-not-closed')).toMatchObject({
      status: 'scheduled',
    });
    chain.block([], chain.timeS + 2 * DAY);
    expectOk(chain.one(tally(chain)));
    expect(chain.get<ElectionRecord>(key.election('e1'))).toMatchObject({
      status: 'tallied',
      result: { cast: 3, contests: [{ contestId: 'q', totals: [2, 1] }], talliedAt: chain.height },
    });
    expect(expectRejected(chain.one(tally(chain)), 'election-not-closed')).toMatchObject({
      status: 'tallied',
    });
  });

  it('rejects a count that is not the chain’s, proofs over other ballots, a rejecting verifier and unknown elections', () => {
    const { chain } = withClosedElection();
    chain.block([], chain.timeS + 2 * DAY);
    expect(
      expectRejected(chain.one(tally(chain, { cast: 4 })), 'tally-count-mismatch'),
    ).toMatchObject({ expected: 3, got: 4 });
    expectRejected(
      chain.one(tally(chain, { proofs: encodeCanonical([bytes32('someone else')]) })),
      'tally-invalid',
    );
    expectRejected(chain.one(tally(chain, { electionId: 'nope' })), 'unknown-election');
    chain.deps = rejectingDeps;
    expect(expectRejected(chain.one(tally(chain)), 'tally-invalid')).toMatchObject({
      reason: 'bad-decryption-proof',
    });
  });

  it('challenged and duplicate ballots are not among the ballots handed to the tally verifier', () => {
    const { chain, kiosk, kioskId } = withClosedElection(2);
    const dup = ballotTx('e1', kioskId, kiosk, bytes32('v0'), 'again');
    const ch = ballotTx('e1', kioskId, kiosk, bytes32('v9'));
    if (ch.body.kind !== 'ballot') throw new Error();
    const r = chain.block([dup, challengeTx('e1', kioskId, kiosk, ch.body.envelope)]);
    expect(r.outcomes.map((o) => (o.ok ? 'ok' : o.rejection.kind))).toEqual([
      'duplicate-nullifier',
      'ok',
    ]);
    chain.block([], chain.timeS + 2 * DAY);
    expect(chain.state.list('ballot/e1/')).toHaveLength(2);
    expectOk(chain.one(tally(chain, { cast: 2 })));
  });

  it('an office tally seats the winner with the ranking; ties go to the earlier ballot position', () => {
    expect(rankCandidates(['a', 'b', 'c'], [1, 3, 3])).toEqual(['b', 'c', 'a']);
    const chain = new Chain();
    const u = { unit: 'village', ...withUnit(chain) };
    runOfficeElection(chain, u, 'e1', 'head', { olga: 2, ivan: 3, petr: 1 });
    expect(chain.get<OfficialRecord>(key.official('village', 'ivan'))).toMatchObject({
      office: 'head',
      status: 'serving',
      ranking: ['ivan', 'olga', 'petr'],
    });
    expect(chain.get(key.official('village', 'olga'))).toBeUndefined();
    // The next term: the previous holder is succeeded.
    chain.block([], chain.timeS + 30 * DAY);
    runOfficeElection(chain, u, 'e2', 'head', { olga: 4, ivan: 1 });
    expect(chain.get<OfficialRecord>(key.official('village', 'ivan')).status).toBe('succeeded');
    expect(chain.get<OfficialRecord>(key.official('village', 'olga')).status).toBe('serving');
  });

  it('an office tally must carry one total per candidate', () => {
    const chain = new Chain();
    const u = withUnit(chain);
    expectOk(
      chain.one(
        chain.auth({
          kind: 'candidate-register',
          personId: 'olga',
          unit: 'village',
          name: 'O',
          certificate: { issuer: 'f', certificateId: 'c', validUntil: chain.timeS + 99 * DAY },
          promises: [],
        }),
      ),
    );
    expectOk(
      chain.one(
        chain.auth(
          electionBody(chain, 'e1', 'village', {
            kind: 'office',
            office: 'head',
            candidates: ['olga'],
          }),
        ),
      ),
    );
    expectOk(chain.one(ballotTx('e1', u.kioskId, u.kiosk, bytes32('v'))));
    chain.block([], chain.timeS + 2 * DAY);
    expectRejected(
      chain.one(tally(chain, { cast: 1, contests: [{ contestId: 'q', totals: [1, 0] }] })),
      'tally-shape',
    );
  });
});
