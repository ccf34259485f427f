// The app with the real ballot module injected: sealed ballots from src/ballot are accepted,
// broken ones are refused with the module's reason, a challenge opens, and a tally with real
// threshold decryptions is accepted while a forged count is not.
import { describe, expect, it } from 'vitest';
import { challengeBallot } from '../../../src/ballot/challenge.js';
import { encodeElection } from '../../../src/ballot/context.js';
import { ballotId, decodeEnvelope, type SignedEnvelope } from '../../../src/ballot/envelope.js';
import {
  accumulateTally,
  combineDecryptions,
  encodePartialDecryptions,
  partialDecrypt,
} from '../../../src/ballot/tally.js';
import { verifyEnvelope } from '../../../src/ballot/verify-envelope.js';
import {
  ballotVerifiers,
  key,
  type ElectionRecord,
  type Tx,
} from '../../../src/devnet/app/index.js';
import { toHex } from '../../../src/protocol/hash.js';
import { at, fixture, kioskSigner, resign, seal, WINDOW } from '../ballot/fixtures.js';
import { Chain, expectOk, expectRejected } from './harness.js';

const { ctx, keys, election } = fixture();
const kioskId = 'kiosk-1';

function ballotOf(signed: SignedEnvelope, nullifier: Uint8Array, ballotId: Uint8Array): Tx {
  return {
    body: {
      kind: 'ballot',
      electionId: election.electionId,
      kioskId,
      nullifier,
      ballotId,
      envelope: signed.bytes,
    },
    signature: signed.signature,
  };
}

describe('with the ballot module as verifier', () => {
  it('accepts sealed ballots, refuses broken ones, records a challenge and verifies the tally', () => {
    const envelopes = new Map<string, Uint8Array>();
    const chain = new Chain(ballotVerifiers({ envelopeOf: (_e, id) => envelopes.get(toHex(id)) }));
    chain.timeS = WINDOW.opens - 7200;
    chain
      .block([
        chain.auth({
          kind: 'unit-params',
          unit: election.unit,
          parent: null,
          params: {
            recallThresholdBps: 2000,
            recoveryThresholdBps: 5000,
            recoveryWindowS: 3600,
            ratingPollCadenceS: 0,
            juryLookback: 1,
            actingList: [],
          },
        }),
        chain.auth({
          kind: 'kiosk-register',
          kioskId,
          unit: election.unit,
          publicKey: kioskSigner.publicKey,
          pollingPlace: 'library',
        }),
      ])
      .outcomes.forEach(expectOk);
    const create = {
      kind: 'election-create',
      electionId: election.electionId,
      unit: election.unit,
      purpose: { kind: 'general' },
      window: WINDOW,
      ballotStyles: election.ballotStyles.map((s) => s.styleId),
      guardianKey: ctx.Kbytes,
      definition: encodeElection(election),
    };
    expectRejected(
      chain.one(chain.auth({ ...create, guardianKey: new Uint8Array(32) })),
      'election-invalid',
    );
    expectOk(chain.one(chain.auth(create)));

    const a = seal(ctx, [[1, 0, 0, 0]], { style: 'mayor', kioskSeq: 0 });
    const b = seal(ctx, [[0, 0, 1, 0]], {
      style: 'mayor',
      kioskSeq: 1,
      chainPrev: a.confirmationCode,
    });
    const c = seal(ctx, [[0, 1, 0, 0]], {
      style: 'mayor',
      kioskSeq: 2,
      chainPrev: b.confirmationCode,
    });
    for (const s of [a, b]) envelopes.set(toHex(s.ballotId), s.signed.bytes);

    // A registered kiosk signing an envelope whose proofs don't hold: the module says why.
    const broken = decodeEnvelope(c.signed.bytes);
    if (!broken.ok) throw new Error('decode');
    const swapped = structuredClone(broken.value);
    at(at(swapped.ciphertexts, 0), 0).alpha = at(at(a.envelope.ciphertexts, 0), 0).alpha;
    const forged = resign(swapped);
    expect(verifyEnvelope(ctx, forged, kioskSigner.publicKey).ok).toBe(false);

    const r = chain.block(
      [
        ballotOf(a.signed, a.envelope.nullifier, a.ballotId),
        ballotOf(b.signed, b.envelope.nullifier, b.ballotId),
        ballotOf(forged, swapped.nullifier, ballotId(forged.bytes)),
      ],
      WINDOW.opens + 5000,
    );
    expect(r.outcomes.map((o) => (o.ok ? 'ok' : o.rejection.kind))).toEqual([
      'ok',
      'ok',
      'ballot-invalid',
    ]);

    // The voter of c challenges: the reveal opens the envelope.
    const { signed: reveal } = challengeBallot(c, kioskSigner);
    const challenge: Tx = {
      body: {
        kind: 'ballot-challenge',
        electionId: election.electionId,
        kioskId,
        ballotId: c.ballotId,
        envelope: c.signed.bytes,
        reveal: reveal.bytes,
      },
      signature: reveal.signature,
    };
    expectOk(chain.one(challenge, WINDOW.opens + 6000));
    // A reveal of c does not open a's envelope.
    const wrong: Tx = {
      ...challenge,
      body: { ...challenge.body, ballotId: a.ballotId, envelope: a.signed.bytes } as Tx['body'],
    };
    expectRejected(chain.one(wrong, WINDOW.opens + 6100), 'already-cast');

    chain.block([], WINDOW.closes);
    expect(chain.get<ElectionRecord>(key.election(election.electionId)).status).toBe('closed');

    const verified = [a, b].map((s) => {
      const v = verifyEnvelope(ctx, s.signed, kioskSigner.publicKey);
      if (!v.ok) throw new Error('verify');
      return v.value;
    });
    const sum = accumulateTally(ctx, verified, []);
    if (!sum.ok) throw new Error('sum');
    const partials = [0, 2].map((i) => partialDecrypt(ctx, sum.value, at(keys.secrets, i)));
    const result = combineDecryptions(ctx, sum.value, partials);
    if (!result.ok) throw new Error('combine');
    const tally = (contests: { contestId: string; totals: number[] }[]) =>
      chain.auth({
        kind: 'tally',
        electionId: election.electionId,
        cast: 2,
        contests,
        proofs: encodePartialDecryptions(partials),
      });
    const honest = result.value.contests.map((x) => ({ contestId: x.contestId, totals: x.counts }));
    expect(honest.find((x) => x.contestId === 'mayor')?.totals).toEqual([1, 0, 1, 0]);
    const lie = honest.map((x) => (x.contestId === 'mayor' ? { ...x, totals: [2, 0, 0, 0] } : x));
    expect(expectRejected(chain.one(tally(lie)), 'tally-invalid')).toMatchObject({
      reason: 'result-mismatch',
    });
    expectOk(chain.one(tally(honest)));
    expect(chain.get<ElectionRecord>(key.election(election.electionId))).toMatchObject({
      status: 'tallied',
      cast: 2,
      challenged: 1,
    });
  });
});
