import { describe, expect, it } from 'vitest';
import { challengeBallot, decodeReveal, openChallenged } from '../../../src/ballot/challenge.js';
import { encodeScalar } from '../../../src/ballot/group.js';
import {
  accumulateTally,
  combineDecryptions,
  partialDecrypt,
  verifyPartialDecryption,
  verifyTallyResult,
} from '../../../src/ballot/tally.js';
import { verifyEnvelope, type VerifiedBallot } from '../../../src/ballot/verify-envelope.js';
import { fixture, kioskSigner, otherSigner, seal, at } from './fixtures.js';

const { ctx, keys } = fixture();

function cast(choices: number[][], nullifier?: Uint8Array) {
  const s = seal(ctx, choices, { style: 'mayor', ...(nullifier ? { nullifier } : {}) });
  const v = verifyEnvelope(ctx, s.signed, kioskSigner.publicKey);
  if (!v.ok) throw new Error('verify');
  return { sealed: s, verified: v.value };
}

describe('tally and threshold decryption', () => {
  const a = cast([[1, 0, 0, 0]]);
  const b = cast([[0, 0, 1, 0]]);
  const c = cast([[0, 0, 1, 0]]);
  const ballots: VerifiedBallot[] = [a.verified, b.verified, c.verified];

  it('any 2 of 3 guardians decrypt; one is not enough', () => {
    const tally = accumulateTally(ctx, ballots, []);
    if (!tally.ok) throw new Error('tally');
    const p = keys.secrets.map((s) => partialDecrypt(ctx, tally.value, s));
    const mayor = (r: ReturnType<typeof combineDecryptions>) =>
      r.ok ? r.value.contests.find((x) => x.contestId === 'mayor')?.counts : r.error;
    expect(mayor(combineDecryptions(ctx, tally.value, [at(p, 0), at(p, 2)]))).toEqual([1, 0, 2, 0]);
    expect(mayor(combineDecryptions(ctx, tally.value, [at(p, 2), at(p, 1)]))).toEqual([1, 0, 2, 0]);
    const claimed = combineDecryptions(ctx, tally.value, [at(p, 0), at(p, 1)]);
    if (!claimed.ok) throw new Error('combine');
    expect(verifyTallyResult(ctx, tally.value, [at(p, 1), at(p, 2)], claimed.value).ok).toBe(true);
    const forged = structuredClone(claimed.value);
    at(forged.contests, 0).counts[2] = 1;
    expect(verifyTallyResult(ctx, tally.value, [at(p, 1), at(p, 2)], forged)).toMatchObject({
      ok: false,
      error: { kind: 'result-mismatch', contestId: 'mayor' },
    });
    expect(combineDecryptions(ctx, tally.value, [at(p, 1)])).toMatchObject({
      ok: false,
      error: { kind: 'too-few-guardians', have: 1, need: 2 },
    });
    expect(combineDecryptions(ctx, tally.value, [at(p, 1), at(p, 1)])).toMatchObject({
      ok: false,
      error: { kind: 'duplicate-guardian' },
    });
  });

  it('a wrong partial decryption or a forged proof is rejected', () => {
    const tally = accumulateTally(ctx, ballots, []);
    if (!tally.ok) throw new Error('tally');
    const p = partialDecrypt(ctx, tally.value, at(keys.secrets, 0));
    expect(verifyPartialDecryption(ctx, tally.value, p).ok).toBe(true);
    // Guardian 2's share presented as guardian 1's.
    const q = partialDecrypt(ctx, tally.value, at(keys.secrets, 1));
    expect(verifyPartialDecryption(ctx, tally.value, { ...q, guardian: 1 }).ok).toBe(false);
    // A share from another contest position.
    const swapped = {
      ...p,
      shares: p.shares.map((row, ci) =>
        ci === 0 ? [at(row, 1), at(row, 0), ...row.slice(2)] : row,
      ),
    };
    expect(verifyPartialDecryption(ctx, tally.value, swapped)).toMatchObject({
      ok: false,
      error: { kind: 'bad-decryption-proof', contest: 0 },
    });
    // A response off by one.
    const badV = {
      ...p,
      shares: p.shares.map((row, ci) =>
        ci === 0 ? row.map((s, oi) => (oi === 0 ? { ...s, v: encodeScalar(1n) } : s)) : row,
      ),
    };
    expect(verifyPartialDecryption(ctx, tally.value, badV).ok).toBe(false);
    expect(verifyPartialDecryption(ctx, tally.value, { ...p, guardian: 9 })).toMatchObject({
      ok: false,
      error: { kind: 'unknown-guardian' },
    });
  });

  it('an empty tally decrypts to zeros', () => {
    const tally = accumulateTally(ctx, [], []);
    if (!tally.ok) throw new Error('tally');
    const r = combineDecryptions(
      ctx,
      tally.value,
      keys.secrets.slice(0, 2).map((s) => partialDecrypt(ctx, tally.value, s)),
    );
    expect(r.ok && r.value.contests.every((x) => x.counts.every((n) => n === 0))).toBe(true);
  });

  it('a challenged ballot can never enter a tally', () => {
    const { signed } = challengeBallot(b.sealed, kioskSigner);
    const reveal = decodeReveal(signed, kioskSigner.publicKey);
    if (!reveal.ok) throw new Error('reveal');
    expect(openChallenged(ctx, b.verified, reveal.value)).toEqual({
      ok: true,
      value: [[0, 0, 1, 0]],
    });
    expect(accumulateTally(ctx, ballots, [reveal.value.ballotId])).toMatchObject({
      ok: false,
      error: { kind: 'challenged-ballot' },
    });
    expect(decodeReveal(signed, otherSigner.publicKey)).toMatchObject({
      ok: false,
      error: { kind: 'bad-signature' },
    });
    // A reveal holds the selection nonces only: no seed, no choices.
    expect(Object.keys(reveal.value).sort()).toEqual([
      'ballotId',
      'electionId',
      'kioskId',
      'kioskSeq',
      'nonces',
    ]);
    // A reveal cannot be pinned on another ballot, and a wrong nonce does not open it.
    expect(openChallenged(ctx, c.verified, reveal.value)).toMatchObject({
      ok: false,
      error: { kind: 'wrong-ballot' },
    });
    const wrong = {
      ...reveal.value,
      nonces: [[encodeScalar(5n), ...at(reveal.value.nonces, 0).slice(1)]],
    };
    expect(openChallenged(ctx, b.verified, wrong)).toMatchObject({
      ok: false,
      error: { kind: 'bad-nonce' },
    });
  });

  it('a repeated ballot or nullifier is refused', () => {
    expect(accumulateTally(ctx, [a.verified, a.verified], [])).toMatchObject({
      ok: false,
      error: { kind: 'duplicate-ballot' },
    });
    const n = new Uint8Array(32).fill(3);
    const x = cast([[1, 0, 0, 0]], n);
    const y = cast([[0, 1, 0, 0]], n);
    expect(accumulateTally(ctx, [x.verified, y.verified], [])).toMatchObject({
      ok: false,
      error: { kind: 'duplicate-nullifier' },
    });
  });
});
