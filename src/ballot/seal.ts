// Sealing a ballot at the kiosk: the voter's choices plus a prepared ballot become a signed
// envelope with its confirmation code. The plaintext and the selection nonces stay in the
// returned SealedBallot (host memory only) until the voter casts or challenges.
import type { Contest } from '../protocol/election.js';
import { encodeDoubled } from './encode-batch.js';
import { bytesEqual, encodeScalar, mod, Point, smallMultipleOfGHalf } from './group.js';
import type { ElectionContext } from './context.js';
import {
  ballotContext,
  ballotId,
  confirmationCode,
  coarseTime,
  encodeEnvelope,
  envelopeSigningMessage,
  type Envelope,
  type EnvelopeBody,
  type SignedEnvelope,
} from './envelope.js';
import type { Signer } from './ed25519.js';
import { limitValues, selectionValues } from './kinds.js';
import { commitmentHalvesB, finishMembership, type MembershipProof } from './membership-proof.js';
import type { PreparedBallot } from './prepare.js';
import { LIMIT_TAG, limitHeader, SELECTION_TAG, selectionHeader } from './statements.js';
import { err, ok, type Result } from '../shared/result.js';

export type SealError =
  | { kind: 'wrong-election' }
  | { kind: 'outside-window' }
  | { kind: 'wrong-shape'; message: string }
  | { kind: 'value-out-of-range'; contest: number; option: number }
  | { kind: 'limit-violated'; contest: number };

export interface SealInput {
  ctx: ElectionContext;
  prepared: PreparedBallot;
  /** Per contest of the style, per option: the value 0..R. */
  choices: readonly (readonly number[])[];
  nullifier: Uint8Array;
  kioskId: string;
  kioskSeq: number;
  /** The previous confirmation code of this kiosk, or chainGenesis(kioskId) for seq 0. */
  chainPrev: Uint8Array;
  /** Unix seconds; coarsened to the hour before it enters the envelope. */
  now: number;
  signer: Signer;
}

export interface SealedBallot {
  envelope: Envelope;
  signed: SignedEnvelope;
  ballotId: Uint8Array;
  confirmationCode: Uint8Array;
  /** Host memory only; revealed if the voter challenges, dropped when they cast. */
  secrets: { choices: number[][]; nonces: bigint[][] };
}

export const proofToWire = (p: MembershipProof) => ({
  c: p.c.map((x) => encodeScalar(x)),
  v: p.v.map((x) => encodeScalar(x)),
});

/** Checks the choices against the style before anything is encrypted. */
export function checkChoices(
  contests: readonly Contest[],
  choices: readonly (readonly number[])[],
): Result<void, SealError> {
  if (choices.length !== contests.length)
    return err({ kind: 'wrong-shape', message: 'contest count' });
  for (const [ci, contest] of contests.entries()) {
    const row = choices[ci] ?? [];
    if (row.length !== contest.options.length)
      return err({ kind: 'wrong-shape', message: `contest ${ci} option count` });
    let sum = 0;
    for (const [oi, v] of row.entries()) {
      if (!Number.isInteger(v) || v < 0 || v > contest.range)
        return err({ kind: 'value-out-of-range', contest: ci, option: oi });
      sum += v;
    }
    if (!limitValues(contest.limit).includes(sum))
      return err({ kind: 'limit-violated', contest: ci });
  }
  return ok(undefined);
}

/**
 * Choices in envelope order from what the voter picked: per contestId, per optionId, a value
 * (1 for a marked choice, the score for a rating). Unmentioned options are 0.
 */
export function choicesFor(
  ctx: ElectionContext,
  styleId: string,
  picks: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Result<number[][], SealError> {
  const contests = ctx.styles.get(styleId);
  if (!contests) return err({ kind: 'wrong-shape', message: 'unknown style' });
  for (const id of Object.keys(picks)) {
    if (!contests.some((c) => c.contestId === id))
      return err({ kind: 'wrong-shape', message: `contest ${id} not on style` });
  }
  const choices: number[][] = [];
  for (const c of contests) {
    const p = picks[c.contestId] ?? {};
    for (const id of Object.keys(p)) {
      if (!c.options.some((o) => o.optionId === id))
        return err({ kind: 'wrong-shape', message: `option ${id} not in ${c.contestId}` });
    }
    choices.push(c.options.map((o) => p[o.optionId] ?? 0));
  }
  const checked = checkChoices(contests, choices);
  return checked.ok ? ok(choices) : checked;
}

export function sealBallot(input: SealInput): Result<SealedBallot, SealError> {
  const { ctx, prepared, choices } = input;
  if (!bytesEqual(prepared.electionHash, ctx.hash)) return err({ kind: 'wrong-election' });
  const contests = ctx.styles.get(prepared.styleId);
  if (!contests) return err({ kind: 'wrong-shape', message: 'unknown style' });
  const checked = checkChoices(contests, choices);
  if (!checked.ok) return checked;
  const { opens, closes } = ctx.election.window;
  if (input.now < opens || input.now >= closes) return err({ kind: 'outside-window' });

  const head = {
    electionId: ctx.election.electionId,
    unit: ctx.election.unit,
    ballotStyle: prepared.styleId,
    nullifier: input.nullifier,
    kioskId: input.kioskId,
    kioskSeq: input.kioskSeq,
    chainPrev: input.chainPrev,
    time: coarseTime(input.now),
  };
  const context = ballotContext(head);
  // Phase 1: every point that depends on the choices, as halves; phase 2: one batch of
  // encodings; phase 3: the challenges. No scalar multiplication happens here.
  const toEncode: Point[] = [];
  const slot = (p: Point): number => toEncode.push(p) - 1;
  const plan = contests.map((contest, ci) => {
    const pc = prepared.contests[ci];
    const row = choices[ci];
    if (!pc || !row || pc.selections.length !== row.length)
      throw new Error('prepared ballot does not match its style');
    const values = selectionValues(contest.range);
    let sumBetaHalf = Point.ZERO;
    let sum = 0;
    const selections = pc.selections.map((ps, oi) => {
      const sigma = row[oi] as number;
      const betaHalf = ps.xiKh.add(smallMultipleOfGHalf(sigma));
      sumBetaHalf = sumBetaHalf.add(betaHalf);
      sum += sigma;
      return {
        ps,
        sigma,
        betaSlot: slot(betaHalf),
        bSlots: commitmentHalvesB(ps.proof, values, sigma, sigma).map(slot),
      };
    });
    const lv = limitValues(contest.limit);
    const real = lv.indexOf(sum);
    return {
      pc,
      values,
      selections,
      lv,
      real,
      sumBetaSlot: slot(sumBetaHalf),
      limitBSlots: commitmentHalvesB(pc.limit, lv, real, sum).map(slot),
    };
  });
  const encoded = encodeDoubled(toEncode);
  const at = (i: number): Uint8Array => encoded[i] as Uint8Array;

  const ciphertexts: Envelope['ciphertexts'] = [];
  const proofs: Envelope['proofs'] = [];
  for (const [ci, p] of plan.entries()) {
    const cts: Envelope['ciphertexts'][number] = [];
    const selectionProofs: Envelope['proofs'][number]['selections'] = [];
    for (const [oi, s] of p.selections.entries()) {
      const betaBytes = at(s.betaSlot);
      cts.push({ alpha: s.ps.alphaBytes, beta: betaBytes });
      const header = selectionHeader(
        ctx.hash,
        context,
        ci,
        oi,
        ctx.Kbytes,
        s.ps.alphaBytes,
        betaBytes,
      );
      const proof = finishMembership(
        SELECTION_TAG,
        header,
        p.values,
        s.sigma,
        s.ps.xi,
        s.ps.proof,
        s.bSlots.map(at),
      );
      selectionProofs.push(proofToWire(proof));
    }
    const header = limitHeader(
      ctx.hash,
      context,
      ci,
      ctx.Kbytes,
      p.pc.sumAlphaBytes,
      at(p.sumBetaSlot),
    );
    const limit = finishMembership(
      LIMIT_TAG,
      header,
      p.lv,
      p.real,
      p.pc.sumXi,
      p.pc.limit,
      p.limitBSlots.map(at),
    );
    ciphertexts.push(cts);
    proofs.push({ selections: selectionProofs, limit: proofToWire(limit) });
  }
  const body: EnvelopeBody = { ...head, ciphertexts, proofs };
  const code = confirmationCode(body);
  const envelope: Envelope = { ...body, confirmationCode: code };
  const bytes = encodeEnvelope(envelope);
  return ok({
    envelope,
    signed: { bytes, signature: input.signer.sign(envelopeSigningMessage(bytes)) },
    ballotId: ballotId(bytes),
    confirmationCode: code,
    secrets: {
      choices: choices.map((r) => [...r]),
      nonces: prepared.contests.map((c) => c.selections.map((s) => mod(s.xi))),
    },
  });
}
