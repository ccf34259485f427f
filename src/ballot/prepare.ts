// Everything about a ballot that does not depend on the voter's choices: the selection nonces
// derived from a fresh per-ballot seed, their group elements ξ·G and ξ·K, and the proof
// commitments. The nonce pool computes these while the kiosk is idle, so the step from
// "confirm" to the confirmation code is additions and hashing only.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { TAG } from '../protocol/hash.js';
import type { ElectionContext } from './context.js';
import { encodePoint, G, mod, mulFixed, Point, randomBytes, taggedScalar, u32 } from './group.js';
import { limitValues, selectionValues } from './kinds.js';
import { prepareBranches, type PreparedBranches } from './membership-proof.js';

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
  const s = taggedScalar(
    TAG.ballotNonce,
    seed,
    electionHash,
    utf8ToBytes(styleId),
    new Uint8Array([ROLE[role]]),
    u32(contest),
    u32(option),
    u32(branch),
  );
  if (s === 0n) throw new Error('zero nonce'); // probability 2^-252
  return s;
}

export interface PreparedSelection {
  xi: bigint;
  alpha: Point;
  alphaBytes: Uint8Array;
  xiK: Point;
  proof: PreparedBranches;
}

export interface PreparedContest {
  contestId: string;
  selections: PreparedSelection[];
  /** Ξ = Σ ξ and A = Σ α: the nonce and first half of the summed ciphertext. */
  sumXi: bigint;
  sumAlpha: Point;
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
  const branches = (ci: number, oi: number, m: number) => {
    const w = Array.from({ length: m }, (_, j) => deriveNonce(seed, h, styleId, 'proofW', ci, oi, j));
    const c = Array.from({ length: m }, (_, j) => deriveNonce(seed, h, styleId, 'proofC', ci, oi, j));
    return prepareBranches(ctx.K, w, c);
  };
  return {
    electionHash: h,
    styleId,
    contests: contests.map((contest, ci) => {
      const m = contest.range + 1;
      const selections = contest.options.map((_, oi): PreparedSelection => {
        const xi = deriveNonce(seed, h, styleId, 'selection', ci, oi);
        const alpha = mulFixed(G, xi);
        return {
          xi,
          alpha,
          alphaBytes: encodePoint(alpha),
          xiK: mulFixed(ctx.K, xi),
          proof: branches(ci, oi, m),
        };
      });
      const sumAlpha = selections.reduce((acc, s) => acc.add(s.alpha), Point.ZERO);
      return {
        contestId: contest.contestId,
        selections,
        sumXi: selections.reduce((acc, s) => mod(acc + s.xi), 0n),
        sumAlpha,
        sumAlphaBytes: encodePoint(sumAlpha),
        limit: branches(ci, LIMIT_INDEX, limitValues(contest.limit).length),
      };
    }),
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
