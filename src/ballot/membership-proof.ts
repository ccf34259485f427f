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
import { err, ok, type Result } from '../shared/result.js';
import {
  encodePoint,
  G,
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

/** Everything about a branch that does not depend on the encrypted value. */
export interface PreparedBranches {
  w: bigint[];
  c: bigint[];
  wG: Point[];
  wGBytes: Uint8Array[];
  wK: Point[];
  /** c_j·G; absent when there is a single branch (it is always the real one). */
  cG: Point[];
}

export function prepareBranches(K: Point, w: bigint[], c: bigint[]): PreparedBranches {
  const wG = w.map((x) => mulFixed(G, x));
  return {
    w,
    c,
    wG,
    wGBytes: wG.map((p) => encodePoint(p)),
    wK: w.map((x) => mulFixed(K, x)),
    cG: w.length > 1 ? c.map((x) => mulFixed(G, x)) : [],
  };
}

function challenge(tag: string, header: Uint8Array[], values: readonly number[], a: Uint8Array[], b: Uint8Array[]): bigint {
  const parts: Uint8Array[] = [...header, u32(values.length)];
  values.forEach((t, j) => parts.push(u32(t), a[j] as Uint8Array, b[j] as Uint8Array));
  return taggedScalar(tag, ...parts);
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
  if (values.length !== prep.w.length || real < 0 || real >= values.length) {
    throw new RangeError('branch count mismatch');
  }
  const b: Uint8Array[] = values.map((t, j) => {
    const wK = prep.wK[j] as Point;
    if (j === real) return encodePoint(wK);
    return encodePoint(wK.add(mulSmall(prep.cG[j] as Point, t - sigma)));
  });
  const c = challenge(tag, header, values, prep.wGBytes, b);
  const cs = prep.c.slice();
  cs[real] = mod(c - cs.reduce((acc, x, j) => (j === real ? acc : acc + x), 0n));
  return { c: cs, v: cs.map((cj, j) => mod((prep.w[j] as bigint) + cj * xi)) };
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
  if (proof.c.length !== values.length || proof.v.length !== values.length) return err({ kind: 'bad-proof' });
  const a: Uint8Array[] = [];
  const b: Uint8Array[] = [];
  let sum = 0n;
  values.forEach((t, j) => {
    const cj = proof.c[j] as bigint;
    const vj = proof.v[j] as bigint;
    sum += cj;
    a.push(encodePoint(mulPublic(G, vj).subtract(mulPublic(alpha, cj))));
    b.push(encodePoint(mulPublic(K, vj).subtract(mulPublic(beta.subtract(smallMultipleOfG(t)), cj))));
  });
  return mod(sum) === challenge(tag, header, values, a, b) ? ok(undefined) : err({ kind: 'bad-proof' });
}
