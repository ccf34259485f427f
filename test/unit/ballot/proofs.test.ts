import { describe, expect, it } from 'vitest';
import {
  encodePoint,
  G,
  mulFixed,
  Point,
  randomScalar,
  smallMultipleOfG,
} from '../../../src/ballot/group.js';
import {
  proveMembership,
  prepareBranches,
  verifyMembership,
} from '../../../src/ballot/membership-proof.js';
import { checkChoices } from '../../../src/ballot/seal.js';
import {
  LIMIT_TAG,
  limitHeader,
  SELECTION_TAG,
  selectionHeader,
} from '../../../src/ballot/statements.js';
import { fixture, SAMPLE_CHOICES } from './fixtures.js';

const { ctx } = fixture();
const K = ctx.K;

function encrypt(sigma: number) {
  const xi = randomScalar();
  const alpha = mulFixed(G, xi);
  const beta = mulFixed(K, xi).add(smallMultipleOfG(sigma));
  return { xi, alpha, beta, alphaBytes: encodePoint(alpha), betaBytes: encodePoint(beta) };
}

const branches = (m: number) =>
  prepareBranches(
    ctx.Khalf,
    Array.from({ length: m }, () => randomScalar()),
    Array.from({ length: m }, () => randomScalar()),
  );

const electionHash = ctx.hash;
const context = crypto.getRandomValues(new Uint8Array(32));

describe('disjunctive Chaum–Pedersen proofs', () => {
  const values = [0, 1, 2, 3, 4, 5];
  const ct = encrypt(3);
  const header = selectionHeader(
    electionHash,
    context,
    2,
    1,
    ctx.Kbytes,
    ct.alphaBytes,
    ct.betaBytes,
  );
  const proof = proveMembership(
    SELECTION_TAG,
    header,
    values,
    3,
    3,
    ct.xi,
    branches(values.length),
  );

  it('an honest proof verifies', () => {
    expect(verifyMembership(SELECTION_TAG, header, values, K, ct.alpha, ct.beta, proof).ok).toBe(
      true,
    );
  });

  it('changing any input of the Fiat–Shamir hash breaks the proof', () => {
    // Each header element in turn: election hash, ballot context, contest index, option
    // index, K, α, β. The verifier still uses the real α, β, K for the equations.
    header.forEach((_, i) => {
      const changed = header.map((h, j) => {
        if (j !== i) return h;
        const c = h.slice();
        c[c.length - 1] = (c[c.length - 1] ?? 0) ^ 1;
        return c;
      });
      expect(
        verifyMembership(SELECTION_TAG, changed, values, K, ct.alpha, ct.beta, proof).ok,
        `header[${i}]`,
      ).toBe(false);
    });
    const otherIndex = selectionHeader(
      electionHash,
      context,
      2,
      2,
      ctx.Kbytes,
      ct.alphaBytes,
      ct.betaBytes,
    );
    expect(
      verifyMembership(SELECTION_TAG, otherIndex, values, K, ct.alpha, ct.beta, proof).ok,
    ).toBe(false);
    expect(verifyMembership(LIMIT_TAG, header, values, K, ct.alpha, ct.beta, proof).ok).toBe(false);
    // The equations use α, β and K themselves, so other points fail even with the same header.
    expect(
      verifyMembership(SELECTION_TAG, header, values, K, ct.alpha.add(G), ct.beta, proof).ok,
    ).toBe(false);
    expect(
      verifyMembership(SELECTION_TAG, header, values, K, ct.alpha, ct.beta.add(G), proof).ok,
    ).toBe(false);
    expect(
      verifyMembership(SELECTION_TAG, header, values, K.add(G), ct.alpha, ct.beta, proof).ok,
    ).toBe(false);
    expect(
      verifyMembership(SELECTION_TAG, header, [0, 1, 2, 3, 4, 6], K, ct.alpha, ct.beta, proof).ok,
    ).toBe(false);
  });

  it('changing a commitment breaks the proof', () => {
    // Commitments are recomputed by the verifier from (c, v); a prover who hashed a different
    // commitment than the one its responses imply fails.
    const prep = branches(values.length);
    for (let j = 0; j < values.length; j++) {
      const forged = {
        ...prep,
        wGBytes: prep.wGBytes.map((b, i) => (i === j ? encodePoint(G.multiply(7n)) : b)),
      };
      const p = proveMembership(SELECTION_TAG, header, values, 3, 3, ct.xi, forged);
      expect(
        verifyMembership(SELECTION_TAG, header, values, K, ct.alpha, ct.beta, p).ok,
        `a_${j}`,
      ).toBe(false);
    }
    const p = proveMembership(SELECTION_TAG, header, values, 3, 3, ct.xi, prep);
    for (const field of ['c', 'v'] as const) {
      for (let j = 0; j < values.length; j++) {
        const t = { c: p.c.slice(), v: p.v.slice() };
        t[field][j] = (t[field][j] as bigint) + 1n;
        expect(
          verifyMembership(SELECTION_TAG, header, values, K, ct.alpha, ct.beta, t).ok,
          `${field}_${j}`,
        ).toBe(false);
      }
    }
  });

  it('a value outside the list cannot be proven (over-vote, out of range)', () => {
    const two = encrypt(2);
    const h = selectionHeader(
      electionHash,
      context,
      0,
      0,
      ctx.Kbytes,
      two.alphaBytes,
      two.betaBytes,
    );
    for (const real of [0, 1]) {
      const p = proveMembership(SELECTION_TAG, h, [0, 1], real, 2, two.xi, branches(2));
      expect(verifyMembership(SELECTION_TAG, h, [0, 1], K, two.alpha, two.beta, p).ok).toBe(false);
      // Claiming the value that the real branch would need also fails.
      const q = proveMembership(
        SELECTION_TAG,
        h,
        [0, 1],
        real,
        [0, 1][real] as number,
        two.xi,
        branches(2),
      );
      expect(verifyMembership(SELECTION_TAG, h, [0, 1], K, two.alpha, two.beta, q).ok).toBe(false);
    }
    // Two selections of 1 in an "exactly 1" contest: the limit proof on the sum fails.
    const a = encrypt(1);
    const b = encrypt(1);
    const A = a.alpha.add(b.alpha);
    const B = a.beta.add(b.beta);
    const lh = limitHeader(electionHash, context, 0, ctx.Kbytes, encodePoint(A), encodePoint(B));
    const lp = proveMembership(LIMIT_TAG, lh, [1], 0, 2, a.xi + b.xi, branches(1));
    expect(verifyMembership(LIMIT_TAG, lh, [1], K, A, B, lp).ok).toBe(false);
    // And sealing refuses it before any proof is attempted.
    const over = SAMPLE_CHOICES.map((r, i) => (i === 0 ? [1, 1, 0, 0] : r));
    expect(checkChoices(ctx.styles.get('full') ?? [], over)).toMatchObject({
      ok: false,
      error: { kind: 'limit-violated', contest: 0 },
    });
    const big = SAMPLE_CHOICES.map((r, i) => (i === 4 ? [6] : r));
    expect(checkChoices(ctx.styles.get('full') ?? [], big)).toMatchObject({
      ok: false,
      error: { kind: 'value-out-of-range' },
    });
  });

  it('every limit rule accepts exactly its sums', () => {
    const cases: [number[], number, boolean][] = [
      [[1], 1, true],
      [[0, 1, 2, 3], 3, true],
      [[0, 2], 0, true],
      [[0, 2], 2, true],
      [[0, 2], 1, false],
    ];
    for (const [values, sum, good] of cases) {
      const c = encrypt(sum);
      const h = limitHeader(electionHash, context, 0, ctx.Kbytes, c.alphaBytes, c.betaBytes);
      const real = Math.max(0, values.indexOf(sum));
      const p = proveMembership(LIMIT_TAG, h, values, real, sum, c.xi, branches(values.length));
      expect(verifyMembership(LIMIT_TAG, h, values, K, c.alpha, c.beta, p).ok).toBe(good);
    }
    expect(Point.ZERO.is0()).toBe(true);
  });
});
