// Homomorphic tally and threshold decryption. The devnet sums the verified cast ballots per
// (contest, option), any k guardians publish partial decryptions M_l = s_l·A with Chaum–Pedersen
// proofs, and anyone combines them with Lagrange coefficients and reads each total by a small
// discrete log. Every step here is rerun by a public verifier on the published data.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from '../protocol/encoding.js';
import { TAG, toHex } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import type { ElectionContext } from './context.js';
import { discreteLog } from './dlog.js';
import { guardianPublicShare, lagrangeAtZero, type GuardianSecret } from './election-key.js';
import {
  decodePoint,
  decodeScalar,
  encodePoint,
  encodeScalar,
  G,
  mod,
  mulFixed,
  mulPublic,
  mulSecret,
  Point,
  randomScalar,
  taggedScalar,
  u32,
} from './group.js';
import type { Ciphertext, VerifiedBallot } from './verify-envelope.js';

export interface ContestTally {
  contestId: string;
  /** Number of ballots that carried this contest; bounds each total by ballots × range. */
  ballots: number;
  range: number;
  sums: Ciphertext[];
}

export interface EncryptedTally {
  electionHash: Uint8Array;
  contests: ContestTally[];
}

export type TallyError =
  | { kind: 'wrong-election'; ballotId: string }
  | { kind: 'challenged-ballot'; ballotId: string }
  | { kind: 'duplicate-ballot'; ballotId: string }
  | { kind: 'duplicate-nullifier'; ballotId: string };

/**
 * Sums verified cast ballots. A ballot whose id is among the challenged ones, a repeated
 * ballot or a repeated nullifier is an error, not something to skip: the caller (the chain's
 * acceptance rule) must have excluded them, and a tally that meets one is wrong.
 */
export function accumulateTally(
  ctx: ElectionContext,
  ballots: Iterable<VerifiedBallot>,
  challengedIds: Iterable<Uint8Array>,
): Result<EncryptedTally, TallyError> {
  const challenged = new Set([...challengedIds].map((b) => toHex(b)));
  const seenIds = new Set<string>();
  const seenNullifiers = new Set<string>();
  const contests = ctx.election.contests.map((c) => ({
    contestId: c.contestId,
    ballots: 0,
    range: c.range,
    sums: c.options.map(() => ({ alpha: Point.ZERO, beta: Point.ZERO })),
  }));
  const index = new Map(contests.map((c, i) => [c.contestId, i]));
  for (const b of ballots) {
    const id = toHex(b.ballotId);
    const e = b.envelope;
    if (e.electionId !== ctx.election.electionId)
      return err({ kind: 'wrong-election', ballotId: id });
    if (challenged.has(id)) return err({ kind: 'challenged-ballot', ballotId: id });
    if (seenIds.has(id)) return err({ kind: 'duplicate-ballot', ballotId: id });
    const n = toHex(e.nullifier);
    if (seenNullifiers.has(n)) return err({ kind: 'duplicate-nullifier', ballotId: id });
    seenIds.add(id);
    seenNullifiers.add(n);
    const style = ctx.styles.get(e.ballotStyle) ?? [];
    for (const [ci, contest] of style.entries()) {
      const t = contests[index.get(contest.contestId) ?? -1];
      const row = b.ciphertexts[ci];
      if (!t || !row) throw new Error('verified ballot does not match its style');
      t.ballots++;
      row.forEach((ct, oi) => {
        const s = t.sums[oi];
        if (!s) throw new Error('verified ballot does not match its contest');
        s.alpha = s.alpha.add(ct.alpha);
        s.beta = s.beta.add(ct.beta);
      });
    }
  }
  return ok({ electionHash: ctx.hash, contests });
}

export interface DecryptionShare {
  /** M_l = s_l·A, and the proof that log_G K_l = log_A M_l. */
  m: Uint8Array;
  c: Uint8Array;
  v: Uint8Array;
}

export interface PartialDecryption {
  guardian: number;
  /** Per contest of the election (definition order), per option. */
  shares: DecryptionShare[][];
}

function decryptionChallenge(
  ctx: ElectionContext,
  guardian: number,
  contestId: string,
  option: number,
  Kl: Uint8Array,
  sum: Ciphertext,
  m: Uint8Array,
  a: Uint8Array,
  b: Uint8Array,
): bigint {
  return taggedScalar(
    TAG.decryptionProof,
    ctx.hash,
    u32(guardian),
    utf8ToBytes(contestId),
    u32(option),
    Kl,
    encodePoint(sum.alpha),
    encodePoint(sum.beta),
    m,
    a,
    b,
  );
}

/** A guardian's share of the decryption of every total, with proofs. */
export function partialDecrypt(
  ctx: ElectionContext,
  tally: EncryptedTally,
  secret: GuardianSecret,
  nonce: () => bigint = randomScalar,
): PartialDecryption {
  const Kl = encodePoint(guardianPublicShare(ctx.key, secret.index));
  return {
    guardian: secret.index,
    shares: tally.contests.map((t) =>
      t.sums.map((sum, oi) => {
        const m = encodePoint(mulSecret(sum.alpha, secret.share));
        const u = nonce();
        const a = encodePoint(mulFixed(G, u));
        const b = encodePoint(mulSecret(sum.alpha, u));
        const c = decryptionChallenge(ctx, secret.index, t.contestId, oi, Kl, sum, m, a, b);
        return { m, c: encodeScalar(c), v: encodeScalar(mod(u + c * secret.share)) };
      }),
    ),
  };
}

export type DecryptionError =
  | { kind: 'unknown-guardian'; guardian: number }
  | { kind: 'duplicate-guardian'; guardian: number }
  | { kind: 'wrong-shape'; guardian: number }
  | { kind: 'bad-decryption-proof'; guardian: number; contest: number; option: number }
  | { kind: 'too-few-guardians'; have: number; need: number }
  | { kind: 'total-out-of-range'; contest: number; option: number };

function decodeShare(bytes: Uint8Array, allowZero: boolean): Point | undefined {
  if (allowZero && bytes.every((x) => x === 0)) return Point.ZERO;
  const p = decodePoint(bytes);
  return p.ok ? p.value : undefined;
}

export function verifyPartialDecryption(
  ctx: ElectionContext,
  tally: EncryptedTally,
  partial: PartialDecryption,
): Result<Point[][], DecryptionError> {
  const g = partial.guardian;
  if (!ctx.key.commitments.has(g)) return err({ kind: 'unknown-guardian', guardian: g });
  if (partial.shares.length !== tally.contests.length)
    return err({ kind: 'wrong-shape', guardian: g });
  const KlPoint = guardianPublicShare(ctx.key, g);
  const Kl = encodePoint(KlPoint);
  const out: Point[][] = [];
  for (const [ci, t] of tally.contests.entries()) {
    const row = partial.shares[ci] ?? [];
    if (row.length !== t.sums.length) return err({ kind: 'wrong-shape', guardian: g });
    const points: Point[] = [];
    for (const [oi, share] of row.entries()) {
      const sum = t.sums[oi] as Ciphertext;
      const bad = err({
        kind: 'bad-decryption-proof' as const,
        guardian: g,
        contest: ci,
        option: oi,
      });
      // A total with no ballots has A = 0; only then may M (and the commitment b) be the identity.
      const M = decodeShare(share.m, sum.alpha.is0());
      const c = decodeScalar(share.c);
      const v = decodeScalar(share.v);
      if (!M || !c.ok || !v.ok) return bad;
      const a = mulPublic(G, v.value).subtract(mulPublic(KlPoint, c.value));
      const b = mulPublic(sum.alpha, v.value).subtract(mulPublic(M, c.value));
      const expected = decryptionChallenge(
        ctx,
        g,
        t.contestId,
        oi,
        Kl,
        sum,
        share.m,
        encodePoint(a),
        encodePoint(b),
      );
      if (expected !== c.value) return bad;
      points.push(M);
    }
    out.push(points);
  }
  return ok(out);
}

export interface DecryptedTally {
  contests: { contestId: string; counts: number[] }[];
}

/** Verifies every partial decryption, needs at least the threshold, and reads the totals. */
export function combineDecryptions(
  ctx: ElectionContext,
  tally: EncryptedTally,
  partials: readonly PartialDecryption[],
): Result<DecryptedTally, DecryptionError> {
  const verified = new Map<number, Point[][]>();
  for (const p of partials) {
    if (verified.has(p.guardian)) return err({ kind: 'duplicate-guardian', guardian: p.guardian });
    const r = verifyPartialDecryption(ctx, tally, p);
    if (!r.ok) return r;
    verified.set(p.guardian, r.value);
  }
  const need = ctx.election.guardians.threshold;
  if (verified.size < need) return err({ kind: 'too-few-guardians', have: verified.size, need });
  const indices = [...verified.keys()];
  const lambdas = indices.map((l) => lagrangeAtZero(l, indices));
  const contests: DecryptedTally['contests'] = [];
  for (const [ci, t] of tally.contests.entries()) {
    const counts: number[] = [];
    for (const [oi, sum] of t.sums.entries()) {
      let M = Point.ZERO;
      indices.forEach((l, i) => {
        const share = verified.get(l)?.[ci]?.[oi] as Point;
        M = M.add(mulPublic(share, lambdas[i] as bigint));
      });
      const total = discreteLog(sum.beta.subtract(M), t.ballots * t.range);
      if (total === undefined) return err({ kind: 'total-out-of-range', contest: ci, option: oi });
      counts.push(total);
    }
    contests.push({ contestId: t.contestId, counts });
  }
  return ok({ contests });
}

/** A public verifier's check of a published result: recombine and compare every count. */
export function verifyTallyResult(
  ctx: ElectionContext,
  tally: EncryptedTally,
  partials: readonly PartialDecryption[],
  claimed: DecryptedTally,
): Result<void, DecryptionError | { kind: 'result-mismatch'; contestId: string }> {
  const r = combineDecryptions(ctx, tally, partials);
  if (!r.ok) return r;
  if (r.value.contests.length !== claimed.contests.length) {
    return err({ kind: 'result-mismatch', contestId: '' });
  }
  for (const [i, c] of r.value.contests.entries()) {
    const other = claimed.contests[i];
    if (
      !other ||
      other.contestId !== c.contestId ||
      other.counts.length !== c.counts.length ||
      other.counts.some((n, j) => n !== c.counts[j])
    ) {
      return err({ kind: 'result-mismatch', contestId: c.contestId });
    }
  }
  return ok(undefined);
}

const bytes32 = z.custom<Uint8Array>(
  (b) => b instanceof Uint8Array && b.length === 32,
  'expected 32 bytes',
);
const PartialsSchema = z
  .array(
    z.strictObject({
      guardian: z.int().min(1).max(255),
      shares: z
        .array(z.array(z.strictObject({ m: bytes32, c: bytes32, v: bytes32 })).max(64))
        .max(64),
    }),
  )
  .max(255);

/** Partial decryptions as canonical CBOR: [{guardian, shares: [[{m, c, v}]]}]. */
export function encodePartialDecryptions(partials: readonly PartialDecryption[]): Uint8Array {
  return encodeCanonical(
    partials.map((p) => ({
      guardian: p.guardian,
      shares: p.shares.map((row) => row.map((s) => ({ m: s.m, c: s.c, v: s.v }))),
    })),
  );
}

export function decodePartialDecryptions(
  bytes: Uint8Array,
): Result<PartialDecryption[], { kind: 'malformed'; message: string }> {
  const value = decodeCanonical(bytes);
  if (!value.ok) return err({ kind: 'malformed', message: value.error.kind });
  const parsed = PartialsSchema.safeParse(value.value);
  if (!parsed.success) return err({ kind: 'malformed', message: parsed.error.message });
  return ok(parsed.data);
}
