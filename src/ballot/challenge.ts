// Cast-or-challenge. A challenged ballot publishes its selection nonces ξ (never the ballot
// seed); anyone then checks α = ξ·G, recovers σ·G = β − ξ·K and reads σ. The reveal is signed
// by the kiosk and names the ballotId, so the challenged envelope can never be counted.
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from '../protocol/encoding.js';
import { TAG, taggedHash } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';
import type { ElectionContext } from './context.js';
import { verifyEd25519, type Signer } from './ed25519.js';
import { decodeScalar, encodeScalar, G, mulPublic, smallMultipleOfG } from './group.js';
import type { SealedBallot } from './seal.js';
import type { VerifiedBallot } from './verify-envelope.js';

const bytes32 = z.custom<Uint8Array>(
  (b) => b instanceof Uint8Array && b.length === 32,
  'expected 32 bytes',
);

export const ChallengeRevealSchema = z.strictObject({
  ballotId: bytes32,
  electionId: z.string().min(1).max(64),
  kioskId: z.string().min(1).max(64),
  kioskSeq: z.int().min(0),
  /** Per contest of the style, per option: ξ as a 32-byte little-endian scalar. */
  nonces: z.array(z.array(bytes32).min(1).max(64)).min(1).max(64),
});
export type ChallengeReveal = z.infer<typeof ChallengeRevealSchema>;

export interface SignedReveal {
  bytes: Uint8Array;
  signature: Uint8Array;
}

export const revealSigningMessage = (bytes: Uint8Array): Uint8Array =>
  taggedHash(TAG.challengeSignature, bytes);

/** Builds and signs the reveal of a sealed ballot the voter chose to challenge. */
export function challengeBallot(
  sealed: SealedBallot,
  signer: Signer,
): { reveal: ChallengeReveal; signed: SignedReveal } {
  const reveal: ChallengeReveal = {
    ballotId: sealed.ballotId,
    electionId: sealed.envelope.electionId,
    kioskId: sealed.envelope.kioskId,
    kioskSeq: sealed.envelope.kioskSeq,
    nonces: sealed.secrets.nonces.map((row) => row.map((x) => encodeScalar(x))),
  };
  const bytes = encodeCanonical(reveal);
  return { reveal, signed: { bytes, signature: signer.sign(revealSigningMessage(bytes)) } };
}

export type RevealError =
  | { kind: 'malformed'; message: string }
  | { kind: 'bad-signature' }
  | { kind: 'wrong-ballot' }
  | { kind: 'wrong-shape' }
  | { kind: 'bad-nonce'; contest: number; option: number }
  | { kind: 'not-a-choice'; contest: number; option: number };

export function decodeReveal(
  signed: SignedReveal,
  kioskPublicKey: Uint8Array,
): Result<ChallengeReveal, RevealError> {
  if (!verifyEd25519(kioskPublicKey, revealSigningMessage(signed.bytes), signed.signature)) {
    return err({ kind: 'bad-signature' });
  }
  return parseReveal(signed.bytes);
}

/** Decodes reveal bytes whose kiosk signature the caller has checked already. */
export function parseReveal(bytes: Uint8Array): Result<ChallengeReveal, RevealError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) return err({ kind: 'malformed', message: value.error.kind });
  const parsed = ChallengeRevealSchema.safeParse(value.value);
  if (!parsed.success) return err({ kind: 'malformed', message: parsed.error.message });
  return ok(parsed.data);
}

/**
 * Opens a verified, challenged ballot with its revealed nonces: recomputes every α and reads
 * every σ in 0..R. The result is what the kiosk encrypted, for the voter to compare with
 * what they chose.
 */
export function openChallenged(
  ctx: ElectionContext,
  ballot: VerifiedBallot,
  reveal: ChallengeReveal,
): Result<number[][], RevealError> {
  const e = ballot.envelope;
  if (
    !Buffer.from(reveal.ballotId).equals(Buffer.from(ballot.ballotId)) ||
    reveal.electionId !== e.electionId ||
    reveal.kioskId !== e.kioskId ||
    reveal.kioskSeq !== e.kioskSeq
  ) {
    return err({ kind: 'wrong-ballot' });
  }
  const contests = ctx.styles.get(e.ballotStyle);
  if (!contests || reveal.nonces.length !== ballot.ciphertexts.length)
    return err({ kind: 'wrong-shape' });
  const out: number[][] = [];
  for (const [ci, row] of ballot.ciphertexts.entries()) {
    const nonces = reveal.nonces[ci];
    const range = contests[ci]?.range ?? 0;
    if (!nonces || nonces.length !== row.length) return err({ kind: 'wrong-shape' });
    const values: number[] = [];
    for (const [oi, ct] of row.entries()) {
      const xi = decodeScalar(nonces[oi] as Uint8Array);
      if (!xi.ok || !mulPublic(G, xi.value).equals(ct.alpha))
        return err({ kind: 'bad-nonce', contest: ci, option: oi });
      const sigmaG = ct.beta.subtract(mulPublic(ctx.K, xi.value));
      let found = -1;
      for (let s = 0; s <= range && found < 0; s++)
        if (smallMultipleOfG(s).equals(sigmaG)) found = s;
      if (found < 0) return err({ kind: 'not-a-choice', contest: ci, option: oi });
      values.push(found);
    }
    out.push(values);
  }
  return ok(out);
}
