// Disjunctive Chaum–Pedersen proof that an exponential ElGamal ciphertext (α, β) = (ξ·G, σ·G + ξ·K)
// encrypts one of a public list of values. One construction serves the selection range proof
// (values 0..R) and every contest limit (exactly k: [k]; at most k: 0..k; {0, k}).
//
// For each branch j (value t_j) the transcript is a_j = v_j·G − c_j·α, b_j = v_j·K − c_j·(β − t_j·G)
// with Σ c_j = H(header ‖ (t_j, a_j, b_j)_j). Because the prover knows ξ, every branch is made the
// same way: a_j = w_j·G, b_j = w_j·K + c_j·(t_j − σ)·G, v_j = w_j + c_j·ξ, where c_j is random for
// the simulated branches and the remainder of the hash for the real one. All multiplications by
// secrets (w_j·G, w_j·K, c_j·G) are independent of σ, so they can be computed before the voter
// confirms (see prepare.ts) and sealing needs only additions and hashing.
//
// The prover holds halves of these points (bases G/2, K/2) and encodes their doubles in batches
// (encode-batch.ts); the verifier works with whole points. The bytes are the same.
import { err, ok, type Result } from '../shared/result.js';
import { encodeDoubled } from './encode-batch.js';
import {
  encodePoint,
  G,
  G_HALF,
  mod,
  mulFixed,
  mulPublic,
  mulSmall,
  smallMultipleOfG,
  taggedScalar,
  u32,
  type Point,
} from './group.js';

export interface MembershipProof {
  c: bigint[];
  v: bigint[];
}

/** Everything about a branch that does not depend on the encrypted value (as halves). */
export interface BranchHalves {
  w: bigint[];
  c: bigint[];
  /** w_j·G/2, w_j·K/2, and c_j·G/2 (absent with a single branch, which is always real). */
  wGh: Point[];
  wKh: Point[];
  cGh: Point[];
}

export interface PreparedBranches extends BranchHalves {
  /** Encodings of a_j = w_j·G. */
  wGBytes: Uint8Array[];
}

export function branchHalves(Khalf: Point, w: bigint[], c: bigint[]): BranchHalves {
  return {
    w,
    c,
    wGh: w.map((x) => mulFixed(G_HALF, x)),
    wKh: w.map((x) => mulFixed(Khalf, x)),
    cGh: w.length > 1 ? c.map((x) => mulFixed(G_HALF, x)) : [],
  };
}

/** branchHalves plus the encodings of the a_j (callers with many proofs batch these instead). */
export function prepareBranches(Khalf: Point, w: bigint[], c: bigint[]): PreparedBranches {
  const h = branchHalves(Khalf, w, c);
  return { ...h, wGBytes: encodeDoubled(h.wGh) };
}

/** The halves of b_j for the encrypted value sigma (real branch: w_real·K/2). */
export function commitmentHalvesB(
  prep: BranchHalves,
  values: readonly number[],
  real: number,
  sigma: number,
): Point[] {
  return values.map((t, j) => {
    const wKh = prep.wKh[j] as Point;
    return j === real ? wKh : wKh.add(mulSmall(prep.cGh[j] as Point, t - sigma));
  });
}

function challenge(
  tag: string,
  header: Uint8Array[],
  values: readonly number[],
  a: Uint8Array[],
  b: Uint8Array[],
): bigint {
  const parts: Uint8Array[] = [...header, u32(values.length)];
  values.forEach((t, j) => parts.push(u32(t), a[j] as Uint8Array, b[j] as Uint8Array));
  return taggedScalar(tag, ...parts);
}

/** Completes a proof from the commitment encodings (bBytes from commitmentHalvesB, doubled). */
export function finishMembership(
  tag: string,
  header: Uint8Array[],
  values: readonly number[],
  real: number,
  xi: bigint,
  prep: PreparedBranches,
  bBytes: Uint8Array[],
): MembershipProof {
  if (
    values.length !== prep.w.length ||
    bBytes.length !== values.length ||
    real < 0 ||
    real >= values.length
  ) {
    throw new RangeError('branch count mismatch');
  }
  const c = challenge(tag, header, values, prep.wGBytes, bBytes);
  const cs = prep.c.slice();
  cs[real] = mod(c - cs.reduce((acc, x, j) => (j === real ? acc : acc + x), 0n));
  return { c: cs, v: cs.map((cj, j) => mod((prep.w[j] as bigint) + cj * xi)) };
}

/**
 * Proves that the ciphertext encrypts values[real] with nonce xi. `header` is everything the
 * challenge must bind besides the commitments (election hash, ballot context, indices, K, α, β).
 * Calling it with a `real` that is not the encrypted value yields a proof that fails to verify:
 * an over-vote cannot be proven.
 */
export function proveMembership(
  tag: string,
  header: Uint8Array[],
  values: readonly number[],
  real: number,
  sigma: number,
  xi: bigint,
  prep: PreparedBranches,
): MembershipProof {
  if (real < 0 || real >= values.length) throw new RangeError('no such branch');
  const bBytes = encodeDoubled(commitmentHalvesB(prep, values, real, sigma));
  return finishMembership(tag, header, values, real, xi, prep, bBytes);
}

/** Recomputes every commitment from the responses and checks the challenge sum. */
export function verifyMembership(
  tag: string,
  header: Uint8Array[],
  values: readonly number[],
  K: Point,
  alpha: Point,
  beta: Point,
  proof: MembershipProof,
): Result<void, { kind: 'bad-proof' }> {
  if (proof.c.length !== values.length || proof.v.length !== values.length)
    return err({ kind: 'bad-proof' });
  const a: Uint8Array[] = [];
  const b: Uint8Array[] = [];
  let sum = 0n;
  values.forEach((t, j) => {
    const cj = proof.c[j] as bigint;
    const vj = proof.v[j] as bigint;
    sum += cj;
    a.push(encodePoint(mulPublic(G, vj).subtract(mulPublic(alpha, cj))));
    b.push(
      encodePoint(mulPublic(K, vj).subtract(mulPublic(beta.subtract(smallMultipleOfG(t)), cj))),
    );
  });
  return mod(sum) === challenge(tag, header, values, a, b)
    ? ok(undefined)
    : err({ kind: 'bad-proof' });
}
