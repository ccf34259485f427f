// The ballot envelope: what the kiosk signs, the validators record and anyone verifies.
// Its bytes are the canonical CBOR of the map below; ballotId, the confirmation code and the
// signature are all taken over those bytes (see docs/protocol.md, "Envelope").
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from '../protocol/encoding.js';
import { TAG, taggedHash } from '../protocol/hash.js';
import { err, ok, type Result } from '../shared/result.js';

/** Envelope times are whole UTC hours: no finer timestamp ever sits next to a nullifier. */
export const TIME_GRANULARITY_S = 3600;

export const coarseTime = (unixSeconds: number): number =>
  Math.floor(unixSeconds / TIME_GRANULARITY_S) * TIME_GRANULARITY_S;

const bytes32 = z.custom<Uint8Array>(
  (b) => b instanceof Uint8Array && b.length === 32,
  'expected 32 bytes',
);
const text = z.string().min(1).max(64);

export const CiphertextSchema = z.strictObject({ alpha: bytes32, beta: bytes32 });
export const ProofSchema = z.strictObject({
  c: z.array(bytes32).min(1).max(1001),
  v: z.array(bytes32).min(1).max(1001),
});
export const ContestProofsSchema = z.strictObject({
  selections: z.array(ProofSchema).min(1).max(64),
  limit: ProofSchema,
});

export const EnvelopeSchema = z.strictObject({
  electionId: text,
  unit: text,
  ballotStyle: text,
  /** Per contest of the style (in style order), per option: one ciphertext. */
  ciphertexts: z.array(z.array(CiphertextSchema).min(1).max(64)).min(1).max(64),
  proofs: z.array(ContestProofsSchema).min(1).max(64),
  confirmationCode: bytes32,
  chainPrev: bytes32,
  nullifier: bytes32,
  kioskId: text,
  kioskSeq: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  time: z
    .int()
    .min(0)
    .refine((t) => t % TIME_GRANULARITY_S === 0, 'time must be a whole hour'),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;
export type EnvelopeBody = Omit<Envelope, 'confirmationCode'>;

/** What travels and is stored: the envelope bytes and the kiosk's signature over them. */
export interface SignedEnvelope {
  bytes: Uint8Array;
  signature: Uint8Array;
}

export const encodeEnvelope = (e: Envelope): Uint8Array => encodeCanonical(e);

export type EnvelopeDecodeError =
  { kind: 'malformed'; message: string } | { kind: 'non-canonical' };

export function decodeEnvelope(bytes: Uint8Array): Result<Envelope, EnvelopeDecodeError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) return value;
  const parsed = EnvelopeSchema.safeParse(value.value);
  if (!parsed.success) return err({ kind: 'malformed', message: parsed.error.message });
  return ok(parsed.data);
}

export const ballotId = (envelopeBytes: Uint8Array): Uint8Array =>
  taggedHash(TAG.ballotId, envelopeBytes);

/** The message the kiosk signs with Ed25519 (a fixed-size digest of the envelope bytes). */
export const envelopeSigningMessage = (envelopeBytes: Uint8Array): Uint8Array =>
  taggedHash(TAG.envelopeSignature, envelopeBytes);

/** The chain link before a kiosk's first ballot (kioskSeq 0). */
export const chainGenesis = (kioskId: string): Uint8Array =>
  taggedHash(TAG.chainGenesis, utf8ToBytes(kioskId));

/** Where a kiosk's next ballot goes in its chain, from the last one it sealed (if any). */
export function nextChainLink(
  kioskId: string,
  last?: { kioskSeq: number; confirmationCode: Uint8Array },
): { kioskSeq: number; chainPrev: Uint8Array } {
  return last
    ? { kioskSeq: last.kioskSeq + 1, chainPrev: last.confirmationCode }
    : { kioskSeq: 0, chainPrev: chainGenesis(kioskId) };
}

/**
 * The confirmation code: a hash of the whole encrypted ballot and of the previous code of the
 * same kiosk (chainPrev, also inside the body), so each code commits to the kiosk's history.
 */
export function confirmationCode(body: EnvelopeBody): Uint8Array {
  return taggedHash(TAG.confirmationCode, body.chainPrev, encodeCanonical(body));
}

/**
 * Binds every proof of a ballot to its place: election, style, voter (nullifier), kiosk,
 * position in the kiosk chain and time. Replaying the ciphertexts with another nullifier, on
 * another kiosk or at another position makes every proof fail.
 */
export function ballotContext(body: {
  electionId: string;
  unit: string;
  ballotStyle: string;
  nullifier: Uint8Array;
  kioskId: string;
  kioskSeq: number;
  chainPrev: Uint8Array;
  time: number;
}): Uint8Array {
  return taggedHash(
    TAG.ballotContext,
    encodeCanonical({
      electionId: body.electionId,
      unit: body.unit,
      ballotStyle: body.ballotStyle,
      nullifier: body.nullifier,
      kioskId: body.kioskId,
      kioskSeq: body.kioskSeq,
      chainPrev: body.chainPrev,
      time: body.time,
    }),
  );
}

/** Signed envelopes on the wire: canonical CBOR {envelope: bytes, signature: bytes}. */
export function encodeSignedEnvelope(s: SignedEnvelope): Uint8Array {
  return encodeCanonical({ envelope: s.bytes, signature: s.signature });
}

const SignedWireSchema = z.strictObject({
  envelope: z.custom<Uint8Array>((b) => b instanceof Uint8Array, 'expected bytes'),
  signature: z.custom<Uint8Array>(
    (b) => b instanceof Uint8Array && b.length === 64,
    'expected 64 bytes',
  ),
});

export function decodeSignedEnvelope(
  bytes: Uint8Array,
): Result<SignedEnvelope, EnvelopeDecodeError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) return value;
  const parsed = SignedWireSchema.safeParse(value.value);
  if (!parsed.success) return err({ kind: 'malformed', message: parsed.error.message });
  return ok({ bytes: parsed.data.envelope, signature: parsed.data.signature });
}
