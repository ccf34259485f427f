// Full public validation of one signed envelope: canonical bytes, schema, election and style,
// kiosk signature, confirmation code, every point canonical and in the group, every scalar
// canonical, every proof. The devnet runs it on each submission; any verifier can rerun it.
import { err, ok, type Result } from '../shared/result.js';
import type { ElectionContext } from './context.js';
import { verifyEd25519 } from './ed25519.js';
import {
  ballotContext,
  ballotId,
  confirmationCode,
  decodeEnvelope,
  envelopeSigningMessage,
  TIME_GRANULARITY_S,
  type Envelope,
  type SignedEnvelope,
} from './envelope.js';
import { bytesEqual, decodePoint, decodeScalar, encodePoint, Point } from './group.js';
import { limitValues, selectionValues } from './kinds.js';
import { verifyMembership, type MembershipProof } from './membership-proof.js';
import { LIMIT_TAG, limitHeader, SELECTION_TAG, selectionHeader } from './statements.js';

export type VerifyError =
  | { kind: 'malformed'; message: string }
  | { kind: 'non-canonical' }
  | { kind: 'wrong-election' }
  | { kind: 'unknown-style' }
  | { kind: 'wrong-shape'; message: string }
  | { kind: 'outside-window' }
  | { kind: 'unknown-kiosk'; kioskId: string }
  | { kind: 'bad-signature' }
  | { kind: 'bad-confirmation-code' }
  | { kind: 'bad-point'; contest: number; option: number }
  | { kind: 'bad-scalar'; contest: number; option: number }
  | { kind: 'bad-selection-proof'; contest: number; option: number }
  | { kind: 'bad-limit-proof'; contest: number };

export interface Ciphertext {
  alpha: Point;
  beta: Point;
}

export interface VerifiedBallot {
  envelope: Envelope;
  ballotId: Uint8Array;
  /** Per contest of the style, per option. */
  ciphertexts: Ciphertext[][];
}

function decodeProof(p: { c: Uint8Array[]; v: Uint8Array[] }): MembershipProof | undefined {
  const c: bigint[] = [];
  const v: bigint[] = [];
  for (const x of p.c) {
    const s = decodeScalar(x);
    if (!s.ok) return undefined;
    c.push(s.value);
  }
  for (const x of p.v) {
    const s = decodeScalar(x);
    if (!s.ok) return undefined;
    v.push(s.value);
  }
  return { c, v };
}

/**
 * `kioskKey` is the registered key of the envelope's kiosk, or a lookup from kioskId to the
 * registered key (undefined: not registered), so a validator decodes the envelope only once.
 */
export function verifyEnvelope(
  ctx: ElectionContext,
  signed: SignedEnvelope,
  kioskKey: Uint8Array | ((kioskId: string) => Uint8Array | undefined),
): Result<VerifiedBallot, VerifyError> {
  const decoded = decodeEnvelope(signed.bytes);
  if (!decoded.ok) return decoded;
  const e = decoded.value;
  const key = kioskKey instanceof Uint8Array ? kioskKey : kioskKey(e.kioskId);
  if (!key) return err({ kind: 'unknown-kiosk', kioskId: e.kioskId });
  if (!verifyEd25519(key, envelopeSigningMessage(signed.bytes), signed.signature)) {
    return err({ kind: 'bad-signature' });
  }
  const content = verifyEnvelopeContent(ctx, e);
  if (!content.ok) return content;
  return ok({ envelope: e, ballotId: ballotId(signed.bytes), ciphertexts: decodeCiphertexts(e) });
}

/**
 * For callers that checked the kiosk signature already (the devnet app checks it over the
 * same bytes): everything verifyEnvelope checks except the signature.
 */
export function verifyUnsignedEnvelope(
  ctx: ElectionContext,
  bytes: Uint8Array,
): Result<VerifiedBallot, VerifyError> {
  const decoded = decodeEnvelope(bytes);
  if (!decoded.ok) return decoded;
  const content = verifyEnvelopeContent(ctx, decoded.value);
  if (!content.ok) return content;
  return ok({
    envelope: decoded.value,
    ballotId: ballotId(bytes),
    ciphertexts: decodeCiphertexts(decoded.value),
  });
}

function decodeCiphertexts(e: Envelope): Ciphertext[][] {
  return e.ciphertexts.map((row) =>
    row.map((ct) => {
      const alpha = decodePoint(ct.alpha);
      const beta = decodePoint(ct.beta);
      if (!alpha.ok || !beta.ok) throw new Error('ciphertext was verified before');
      return { alpha: alpha.value, beta: beta.value };
    }),
  );
}

/** Everything except the signature (for callers that checked it already). */
export function verifyEnvelopeContent(
  ctx: ElectionContext,
  e: Envelope,
): Result<void, VerifyError> {
  const el = ctx.election;
  if (e.electionId !== el.electionId || e.unit !== el.unit) return err({ kind: 'wrong-election' });
  const contests = ctx.styles.get(e.ballotStyle);
  if (!contests) return err({ kind: 'unknown-style' });
  const openHour = Math.floor(el.window.opens / TIME_GRANULARITY_S) * TIME_GRANULARITY_S;
  if (e.time < openHour || e.time >= el.window.closes) return err({ kind: 'outside-window' });
  if (e.ciphertexts.length !== contests.length || e.proofs.length !== contests.length) {
    return err({ kind: 'wrong-shape', message: 'contest count' });
  }
  const { confirmationCode: code, ...body } = e;
  if (!bytesEqual(confirmationCode(body), code)) return err({ kind: 'bad-confirmation-code' });

  const context = ballotContext(e);
  for (const [ci, contest] of contests.entries()) {
    const row = e.ciphertexts[ci] ?? [];
    const proofs = e.proofs[ci];
    if (
      !proofs ||
      row.length !== contest.options.length ||
      proofs.selections.length !== row.length
    ) {
      return err({ kind: 'wrong-shape', message: `contest ${ci}` });
    }
    const values = selectionValues(contest.range);
    let sumAlpha = Point.ZERO;
    let sumBeta = Point.ZERO;
    for (const [oi, ct] of row.entries()) {
      const alpha = decodePoint(ct.alpha);
      const beta = decodePoint(ct.beta);
      if (!alpha.ok || !beta.ok) return err({ kind: 'bad-point', contest: ci, option: oi });
      const wire = proofs.selections[oi];
      const proof = wire && decodeProof(wire);
      if (!proof) return err({ kind: 'bad-scalar', contest: ci, option: oi });
      const header = selectionHeader(ctx.hash, context, ci, oi, ctx.Kbytes, ct.alpha, ct.beta);
      const r = verifyMembership(
        SELECTION_TAG,
        header,
        values,
        ctx.K,
        alpha.value,
        beta.value,
        proof,
      );
      if (!r.ok) return err({ kind: 'bad-selection-proof', contest: ci, option: oi });
      sumAlpha = sumAlpha.add(alpha.value);
      sumBeta = sumBeta.add(beta.value);
    }
    const limit = decodeProof(proofs.limit);
    if (!limit) return err({ kind: 'bad-scalar', contest: ci, option: -1 });
    const header = limitHeader(
      ctx.hash,
      context,
      ci,
      ctx.Kbytes,
      encodePoint(sumAlpha),
      encodePoint(sumBeta),
    );
    const r = verifyMembership(
      LIMIT_TAG,
      header,
      limitValues(contest.limit),
      ctx.K,
      sumAlpha,
      sumBeta,
      limit,
    );
    if (!r.ok) return err({ kind: 'bad-limit-proof', contest: ci });
  }
  return ok(undefined);
}
