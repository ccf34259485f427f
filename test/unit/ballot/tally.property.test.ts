import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contest } from '../../../src/protocol/election.js';
import { limitValues } from '../../../src/ballot/kinds.js';
import { accumulateTally, combineDecryptions, partialDecrypt } from '../../../src/ballot/tally.js';
import { verifyEnvelope, type VerifiedBallot } from '../../../src/ballot/verify-envelope.js';
import { openChallenged, challengeBallot } from '../../../src/ballot/challenge.js';
import { fixture, kioskSigner, seal, at } from './fixtures.js';

const { ctx, keys } = fixture();
const full = ctx.styles.get('full') ?? [];

/** Random valid choices for one contest: pick a permitted sum, then spread it over options. */
function contestChoices(c: Contest): fc.Arbitrary<number[]> {
  const n = c.options.length;
  return fc
    .tuple(
      fc.constantFrom(...limitValues(c.limit)),
      fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
    )
    .map(([sum, rand]) => {
      const row = new Array<number>(n).fill(0);
      let left = sum;
      let i = 0;
      while (left > 0) {
        const o = (rand[i++ % rand.length] ?? 0) % n;
        if ((row[o] ?? 0) < c.range) {
          row[o] = (row[o] ?? 0) + 1;
          left--;
        }
      }
      return row;
    });
}

const ballotArb = fc.tuple(...full.map(contestChoices));

describe('ballots of every kind: encrypt, prove, verify, tally, decrypt', () => {
  it('random ballots decrypt to the right counts with any k of the n guardians', () => {
    fc.assert(
      fc.property(
        fc.array(ballotArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom([1, 2], [1, 3], [2, 3], [1, 2, 3]),
        (ballots, guardians) => {
          const verified: VerifiedBallot[] = ballots.map((choices) => {
            const s = seal(ctx, choices);
            const v = verifyEnvelope(ctx, s.signed, kioskSigner.publicKey);
            if (!v.ok) throw new Error(JSON.stringify(v.error));
            return v.value;
          });
          const tally = accumulateTally(ctx, verified, []);
          if (!tally.ok) throw new Error('tally');
          const partials = guardians.map((g) =>
            partialDecrypt(ctx, tally.value, at(keys.secrets, g - 1)),
          );
          const result = combineDecryptions(ctx, tally.value, partials);
          if (!result.ok) throw new Error(JSON.stringify(result.error));
          for (const [ci, contest] of full.entries()) {
            const expected = contest.options.map((_, oi) =>
              ballots.reduce((acc, b) => acc + (b[ci]?.[oi] ?? 0), 0),
            );
            const got = result.value.contests.find((c) => c.contestId === contest.contestId);
            expect(got?.counts).toEqual(expected);
          }
          // Contests not on the style (the 'six' contest) decrypt to zero.
          expect(result.value.contests.find((c) => c.contestId === 'six')?.counts).toEqual([
            0, 0, 0, 0, 0, 0,
          ]);
        },
      ),
      { numRuns: 4 },
    );
  });

  it('a challenged ballot opens to the voter’s choices', () => {
    fc.assert(
      fc.property(ballotArb, (choices) => {
        const s = seal(ctx, choices);
        const v = verifyEnvelope(ctx, s.signed, kioskSigner.publicKey);
        if (!v.ok) throw new Error('verify');
        const { reveal } = challengeBallot(s, kioskSigner);
        expect(openChallenged(ctx, v.value, reveal)).toEqual({ ok: true, value: choices });
      }),
      { numRuns: 3 },
    );
  });
});
