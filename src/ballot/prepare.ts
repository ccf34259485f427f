// Everything about a ballot that does not depend on the voter's choices: the selection nonces
// derived from a fresh per-ballot seed, their group elements ξ·G and ξ·K, and the proof
// commitments. The nonce pool computes these while the kiosk is idle, so the step from
// "confirm" to the confirmation code is additions and hashing only.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { TAG } from '../protocol/hash.js';
import type { ElectionContext } from './context.js';
import { encodeDoubled } from './encode-batch.js';
import { G_HALF, mod, mulFixed, Point, randomBytes, taggedScalarPrefix, u32 } from './group.js';
import { limitValues } from './kinds.js';
import { branchHalves, type PreparedBranches } from './membership-proof.js';

/** Option index used for the contest-level (limit) proof nonces. */
export const LIMIT_INDEX = 0xffffffff;

const ROLE = { selection: 0, proofW: 1, proofC: 2 } as const;

/**
 * Nonces come from the seed as in ElectionGuard, domain-separated by role and position. The
 * seed never leaves the host: a challenge reveals only the selection nonces, which do not let
 * anyone recompute the proof nonces of other positions or of another ballot.
 */
export function deriveNonce(
  seed: Uint8Array,
  electionHash: Uint8Array,
  styleId: string,
  role: keyof typeof ROLE,
  contest: number,
  option: number,
  branch = 0,
): bigint {
  return nonceDeriver(seed, electionHash, styleId)(role, contest, option, branch);
}

/** deriveNonce with the per-ballot prefix (seed, election, style) hashed once. */
export function nonceDeriver(
  seed: Uint8Array,
  electionHash: Uint8Array,
  styleId: string,
): (role: keyof typeof ROLE, contest: number, option: number, branch?: number) => bigint {
  const prefixed = taggedScalarPrefix(TAG.ballotNonce, seed, electionHash, utf8ToBytes(styleId));
  return (role, contest, option, branch = 0) => {
    const s = prefixed(new Uint8Array([ROLE[role]]), u32(contest), u32(option), u32(branch));
    if (s === 0n) throw new Error('zero nonce'); // probability 2^-252
    return s;
  };
}

export interface PreparedSelection {
  xi: bigint;
  alphaBytes: Uint8Array;
  /** ξ·K/2 (the prover's half of ξ·K; see encode-batch.ts). */
  xiKh: Point;
  proof: PreparedBranches;
}

export interface PreparedContest {
  contestId: string;
  selections: PreparedSelection[];
  /** Ξ = Σ ξ and the encoding of A = Σ α: the nonce and first half of the summed ciphertext. */
  sumXi: bigint;
  sumAlphaBytes: Uint8Array;
  limit: PreparedBranches;
}

export interface PreparedBallot {
  electionHash: Uint8Array;
  styleId: string;
  contests: PreparedContest[];
}

export function prepareBallot(
  ctx: ElectionContext,
  styleId: string,
  seed: Uint8Array = randomBytes(32),
): PreparedBallot {
  const contests = ctx.styles.get(styleId);
  if (!contests) throw new RangeError(`unknown ballot style ${styleId}`);
  const h = ctx.hash;
  const nonce = nonceDeriver(seed, h, styleId);
  const branches = (ci: number, oi: number, m: number) => {
    const w = Array.from({ length: m }, (_, j) => nonce('proofW', ci, oi, j));
    const c = Array.from({ length: m }, (_, j) => nonce('proofC', ci, oi, j));
    return branchHalves(ctx.Khalf, w, c);
  };
  // Every point to encode is collected first and encoded in one batch.
  const toEncode: Point[] = [];
  const slot = (p: Point): number => toEncode.push(p) - 1;
  const slots = (ps: Point[]): number[] => ps.map(slot);
  const draft = contests.map((contest, ci) => {
    const m = contest.range + 1;
    const selections = contest.options.map((_, oi) => {
      const xi = nonce('selection', ci, oi);
      const alphaHalf = mulFixed(G_HALF, xi);
      const proof = branches(ci, oi, m);
      return {
        xi,
        alphaHalf,
        alphaSlot: slot(alphaHalf),
        xiKh: mulFixed(ctx.Khalf, xi),
        proof,
        aSlots: slots(proof.wGh),
      };
    });
    const sumAlphaHalf = selections.reduce((acc, s) => acc.add(s.alphaHalf), Point.ZERO);
    const limit = branches(ci, LIMIT_INDEX, limitValues(contest.limit).length);
    return {
      contestId: contest.contestId,
      selections,
      sumXi: selections.reduce((acc, s) => mod(acc + s.xi), 0n),
      sumSlot: slot(sumAlphaHalf),
      limit,
      limitSlots: slots(limit.wGh),
    };
  });
  const bytes = encodeDoubled(toEncode);
  const at = (i: number): Uint8Array => bytes[i] as Uint8Array;
  return {
    electionHash: h,
    styleId,
    contests: draft.map((d) => ({
      contestId: d.contestId,
      selections: d.selections.map((s) => ({
        xi: s.xi,
        alphaBytes: at(s.alphaSlot),
        xiKh: s.xiKh,
        proof: { ...s.proof, wGBytes: s.aSlots.map(at) },
      })),
      sumXi: d.sumXi,
      sumAlphaBytes: at(d.sumSlot),
      limit: { ...d.limit, wGBytes: d.limitSlots.map(at) },
    })),
  };
}

/** Scalar multiplications prepareBallot performs for a style (checked by a test). */
export function preparedMultiplications(ctx: ElectionContext, styleId: string): number {
  const contests = ctx.styles.get(styleId) ?? [];
  const perBranchSet = (m: number) => 2 * m + (m > 1 ? m : 0);
  let n = 0;
  for (const c of contests) {
    n += c.options.length * (2 + perBranchSet(c.range + 1));
    n += perBranchSet(limitValues(c.limit).length);
  }
  return n;
}
