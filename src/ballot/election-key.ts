// The joint election key of n guardians with threshold k (Feldman-style sharing, as in
// ElectionGuard): guardian i draws a polynomial P_i of degree k-1, publishes K_{i,j} = a_{i,j}·G
// with a proof of knowledge for each coefficient, and sends P_i(l) to guardian l. The election
// key is K = Σ K_{i,0}; guardian l holds s_l = Σ_i P_i(l), and any k of them can decrypt.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { GuardianRecord } from '../protocol/election.js';
import { fromHex, toHex } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import {
  decodePoint,
  decodeScalar,
  encodePoint,
  G,
  mod,
  mulFixed,
  mulPublic,
  Point,
  randomScalar,
  taggedScalar,
  u32,
} from './group.js';
import { proveSchnorr, schnorrToHex, verifySchnorr } from './schnorr.js';

/** A guardian's secret: its index and its share s_l of the joint key. */
export interface GuardianSecret {
  index: number;
  share: bigint;
}

export interface GuardianKeys {
  records: GuardianRecord[];
  secrets: GuardianSecret[];
}

/** Context of guardian key proofs: binds each proof to one election, guardian and coefficient. */
export function keyProofContext(electionId: string, index: number, j: number): Uint8Array[] {
  return [utf8ToBytes(electionId), u32(index), u32(j)];
}

/** A deterministic scalar source, for the devnet and known-answer vectors only. */
export function deterministicScalars(seed: Uint8Array): () => bigint {
  let i = 0;
  return () => {
    const s = taggedScalar('veche/test-scalars/v1', seed, u32(i++));
    if (s === 0n) throw new Error('zero scalar from seed');
    return s;
  };
}

function evalPoly(coeffs: bigint[], x: number): bigint {
  let acc = 0n;
  for (let j = coeffs.length - 1; j >= 0; j--) acc = mod(acc * BigInt(x) + (coeffs[j] ?? 0n));
  return acc;
}

/**
 * Simulates a whole key ceremony in one process (the devnet's guardians, and tests). A real
 * ceremony runs the same steps with each guardian on its own machine.
 */
export function generateGuardianKeys(
  electionId: string,
  n: number,
  k: number,
  scalar: () => bigint = randomScalar,
): GuardianKeys {
  if (!(Number.isInteger(n) && Number.isInteger(k) && k >= 1 && k <= n && n <= 255)) {
    throw new RangeError(`bad guardian parameters n=${n} k=${k}`);
  }
  const polys: bigint[][] = [];
  const records: GuardianRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const coeffs = Array.from({ length: k }, () => scalar());
    polys.push(coeffs);
    const commitments = coeffs.map((a) => mulFixed(G, a));
    records.push({
      index: i,
      commitments: commitments.map((C) => toHex(encodePoint(C))),
      proofs: coeffs.map((a, j) =>
        schnorrToHex(
          proveSchnorr(a, commitments[j] as Point, scalar(), keyProofContext(electionId, i, j)),
        ),
      ),
    });
  }
  const secrets = Array.from({ length: n }, (_, l) => ({
    index: l + 1,
    share: polys.reduce((acc, p) => mod(acc + evalPoly(p, l + 1)), 0n),
  }));
  return { records, secrets };
}

export type ElectionKeyError =
  | { kind: 'bad-point'; guardian: number }
  | { kind: 'bad-key-proof'; guardian: number; coefficient: number };

export interface ElectionKey {
  K: Point;
  /** Commitments per guardian index, decoded and verified. */
  commitments: Map<number, Point[]>;
}

/** Verifies every guardian's proofs and computes K; the kiosk refuses an election otherwise. */
export function verifyElectionKey(
  electionId: string,
  records: readonly GuardianRecord[],
): Result<ElectionKey, ElectionKeyError> {
  const commitments = new Map<number, Point[]>();
  let K = Point.ZERO;
  for (const r of records) {
    const points: Point[] = [];
    for (const [j, hex] of r.commitments.entries()) {
      const p = decodePoint(fromHex(hex));
      if (!p.ok) return err({ kind: 'bad-point', guardian: r.index });
      const proofHex = r.proofs[j];
      if (!proofHex) return err({ kind: 'bad-key-proof', guardian: r.index, coefficient: j });
      const c = decodeScalar(fromHex(proofHex.c));
      const v = decodeScalar(fromHex(proofHex.v));
      if (!c.ok || !v.ok) return err({ kind: 'bad-key-proof', guardian: r.index, coefficient: j });
      const checked = verifySchnorr(
        p.value,
        { c: c.value, v: v.value },
        keyProofContext(electionId, r.index, j),
      );
      if (!checked.ok) return err({ kind: 'bad-key-proof', guardian: r.index, coefficient: j });
      points.push(p.value);
    }
    commitments.set(r.index, points);
    K = K.add(points[0] ?? Point.ZERO);
  }
  if (K.is0()) return err({ kind: 'bad-point', guardian: 0 });
  return ok({ K, commitments });
}

/** K_l = s_l·G, computable by anyone from the commitments: Σ_i Σ_j l^j·K_{i,j}. */
export function guardianPublicShare(key: ElectionKey, l: number): Point {
  let acc = Point.ZERO;
  for (const points of key.commitments.values()) {
    let pow = 1n;
    for (const C of points) {
      acc = acc.add(mulPublic(C, pow));
      pow = mod(pow * BigInt(l));
    }
  }
  return acc;
}

/** Lagrange coefficient at 0 of index l over the set of indices. */
export function lagrangeAtZero(l: number, indices: readonly number[]): bigint {
  let num = 1n;
  let den = 1n;
  for (const m of indices) {
    if (m === l) continue;
    num = mod(num * BigInt(m));
    den = mod(den * BigInt(m - l));
  }
  return mod(num * invert(den));
}

function invert(a: bigint): bigint {
  return Point.Fn.inv(a);
}
