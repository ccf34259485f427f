// Transactions: a zod tagged union of bodies, each with the Ed25519 signature that
// authorizes it. Who must sign is fixed by the kind (signerOf); what is signed is a tagged
// hash of the canonical body, except for ballots and challenges, which carry the kiosk's
// existing signature over the envelope / reveal bytes (the ballot module's messages), so a
// sealed ballot reaches the chain without being re-signed.
import { z } from 'zod';
import { bytesSchema } from '../../protocol/bytes.js';
import { decodeCanonical, encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import type { Ed25519Signer } from '../../protocol/ed25519.js';
import { TAG, taggedHash } from '../../protocol/hash.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import {
  Bytes32Schema,
  CertificateSchema,
  IdSchema,
  PromiseStatusSchema,
  PublicKeySchema,
  PurposeSchema,
  SignatureSchema,
  UnitParamsSchema,
  WindowSchema,
} from './schemas.js';

export const MAX_ENVELOPE_BYTES = 256 * 1024;
export const MAX_ROLL_BATCH = 10_000;

/** Every authority transaction carries a seq above the last accepted one: no replays. */
const seq = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().min(1).max(max);
/** The same text in each kiosk language (be, ru, en), as the election definition has it. */
const localized = (max: number) => z.strictObject({ be: text(max), ru: text(max), en: text(max) });

export const UnitParamsTxSchema = z.strictObject({
  kind: z.literal('unit-params'),
  seq,
  unit: IdSchema,
  parent: IdSchema.nullable(),
  params: UnitParamsSchema,
});

export const KioskRegisterTxSchema = z.strictObject({
  kind: z.literal('kiosk-register'),
  seq,
  kioskId: IdSchema,
  unit: IdSchema,
  publicKey: PublicKeySchema,
  pollingPlace: text(200),
});

export const KioskRevokeTxSchema = z.strictObject({
  kind: z.literal('kiosk-revoke'),
  seq,
  kioskId: IdSchema,
});

export const StaffSetTxSchema = z.strictObject({
  kind: z.literal('staff-set'),
  seq,
  staffId: IdSchema,
  unit: IdSchema,
  role: z.enum(['poll-staff', 'technician']),
  publicKey: PublicKeySchema,
});

export const StaffRevokeTxSchema = z.strictObject({
  kind: z.literal('staff-revoke'),
  seq,
  staffId: IdSchema,
});

export const RollAddTxSchema = z.strictObject({
  kind: z.literal('roll-add'),
  seq,
  unit: IdSchema,
  entries: z.array(Bytes32Schema).min(1).max(MAX_ROLL_BATCH),
});

export const RollRemoveTxSchema = z.strictObject({
  kind: z.literal('roll-remove'),
  seq,
  unit: IdSchema,
  entries: z.array(Bytes32Schema).min(1).max(MAX_ROLL_BATCH),
});

export const JurorQualifyTxSchema = z.strictObject({
  kind: z.literal('juror-qualify'),
  seq,
  unit: IdSchema,
  entry: Bytes32Schema,
  legal: CertificateSchema,
  political: CertificateSchema,
});

export const CandidateRegisterTxSchema = z.strictObject({
  kind: z.literal('candidate-register'),
  seq,
  personId: IdSchema,
  unit: IdSchema,
  /** The canonical name (a plain string); `names` adds display names per language. */
  name: text(200),
  names: localized(200).optional(),
  /** Nullable on the wire so "no certificate" is a recorded rejection, not a parse error. */
  certificate: CertificateSchema.nullable(),
  promises: z
    .array(
      z.strictObject({ itemId: IdSchema, text: text(2000), texts: localized(2000).optional() }),
    )
    .max(100)
    .refine((p) => new Set(p.map((i) => i.itemId)).size === p.length, 'duplicate itemId'),
});

export const PromiseStatusTxSchema = z
  .strictObject({
    kind: z.literal('promise-status'),
    seq,
    personId: IdSchema,
    itemId: IdSchema,
    status: PromiseStatusSchema,
    reason: text(2000).nullable(),
  })
  .refine((t) => t.status !== 'unfulfilled' || t.reason !== null, {
    message: 'an unfulfilled promise needs a reason',
    path: ['reason'],
  });

export const ElectionCreateTxSchema = z.strictObject({
  kind: z.literal('election-create'),
  seq,
  electionId: IdSchema,
  unit: IdSchema,
  purpose: PurposeSchema,
  window: WindowSchema,
  ballotStyles: z.array(IdSchema).min(1).max(64),
  guardianKey: bytesSchema(undefined, 64 * 1024),
  definition: bytesSchema(undefined, 512 * 1024),
});

export const BallotTxSchema = z.strictObject({
  kind: z.literal('ballot'),
  electionId: IdSchema,
  kioskId: IdSchema,
  nullifier: Bytes32Schema,
  ballotId: Bytes32Schema,
  envelope: bytesSchema(undefined, MAX_ENVELOPE_BYTES),
});

export const ChallengeTxSchema = z.strictObject({
  kind: z.literal('ballot-challenge'),
  electionId: IdSchema,
  kioskId: IdSchema,
  ballotId: Bytes32Schema,
  /** The challenged envelope, published so anyone can open it with the revealed nonces. */
  envelope: bytesSchema(undefined, MAX_ENVELOPE_BYTES),
  reveal: bytesSchema(undefined, MAX_ENVELOPE_BYTES),
});

export const ChainHeadTxSchema = z.strictObject({
  kind: z.literal('chain-head'),
  kioskId: IdSchema,
  kioskSeq: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  head: Bytes32Schema,
});

export const TallyTxSchema = z.strictObject({
  kind: z.literal('tally'),
  seq,
  electionId: IdSchema,
  /** Ballots counted: must equal the cast ballots the chain accepted for the election. */
  cast: z
    .int()
    .min(0)
    .max(2 ** 40),
  contests: z
    .array(
      z.strictObject({
        contestId: IdSchema,
        totals: z.array(z.int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).max(64),
      }),
    )
    .min(1)
    .max(64),
  /** Decryption shares and proofs: opaque here, checked by the injected tally verifier. */
  proofs: bytesSchema(undefined, 4 * 1024 * 1024),
});

export const JuryDrawTxSchema = z.strictObject({
  kind: z.literal('jury-draw'),
  seq,
  billId: IdSchema,
  unit: IdSchema,
  size: z.int().min(1).max(1000),
});

export const JuryEligibilityTxSchema = z.strictObject({
  kind: z.literal('jury-eligibility'),
  seq,
  billId: IdSchema,
  eligible: z.array(Bytes32Schema).min(1).max(1000),
});

export const TxBodySchema = z.discriminatedUnion('kind', [
  UnitParamsTxSchema,
  KioskRegisterTxSchema,
  KioskRevokeTxSchema,
  StaffSetTxSchema,
  StaffRevokeTxSchema,
  RollAddTxSchema,
  RollRemoveTxSchema,
  JurorQualifyTxSchema,
  CandidateRegisterTxSchema,
  PromiseStatusTxSchema,
  ElectionCreateTxSchema,
  BallotTxSchema,
  ChallengeTxSchema,
  ChainHeadTxSchema,
  TallyTxSchema,
  JuryDrawTxSchema,
  JuryEligibilityTxSchema,
]);
export type TxBody = z.infer<typeof TxBodySchema>;
export type TxKind = TxBody['kind'];
export type TxOf<K extends TxKind> = Extract<TxBody, { kind: K }>;

export const TxSchema = z.strictObject({ body: TxBodySchema, signature: SignatureSchema });
export type Tx = z.infer<typeof TxSchema>;

export type KioskTxBody = TxOf<'ballot' | 'ballot-challenge' | 'chain-head'>;
export type AuthorityTxBody = Exclude<TxBody, KioskTxBody>;

/** Whose key must have signed a body: the authority's, or the named kiosk's. */
export function signerOf(body: TxBody): { kind: 'authority' } | { kind: 'kiosk'; kioskId: string } {
  switch (body.kind) {
    case 'ballot':
    case 'ballot-challenge':
    case 'chain-head':
      return { kind: 'kiosk', kioskId: body.kioskId };
    case 'unit-params':
    case 'kiosk-register':
    case 'kiosk-revoke':
    case 'staff-set':
    case 'staff-revoke':
    case 'roll-add':
    case 'roll-remove':
    case 'juror-qualify':
    case 'candidate-register':
    case 'promise-status':
    case 'election-create':
    case 'tally':
    case 'jury-draw':
    case 'jury-eligibility':
      return { kind: 'authority' };
    default:
      return assertNever(body, 'tx kind');
  }
}

/** The exact bytes the signature covers. */
export function signingMessage(body: TxBody): Uint8Array {
  switch (body.kind) {
    case 'ballot':
      // The ballot module's envelope signature (src/ballot/envelope.ts).
      return taggedHash(TAG.envelopeSignature, body.envelope);
    case 'ballot-challenge':
      // The ballot module's signed reveal (src/ballot/challenge.ts).
      return taggedHash(TAG.challengeSignature, body.reveal);
    default:
      return taggedHash(TAG.devnetTx, encodeCanonical(body as Canonical));
  }
}

/** Signs a body (devnet tools and tests; kiosks sign ballots through the ballot module). */
export function signTx(body: TxBody, signer: Ed25519Signer): Tx {
  return { body, signature: signer.sign(signingMessage(body)) };
}

export const encodeTx = (tx: Tx): Uint8Array => encodeCanonical(tx as Canonical);

export type TxDecodeError = { kind: 'malformed'; message: string };

/** Bytes from the network: canonical CBOR, then the schema. */
export function decodeTx(bytes: Uint8Array): Result<Tx, TxDecodeError> {
  const value = decodeCanonical(bytes);
  if (!value.ok) {
    return err({
      kind: 'malformed',
      message: value.error.kind === 'malformed' ? value.error.message : 'non-canonical',
    });
  }
  const parsed = TxSchema.safeParse(value.value);
  if (!parsed.success) return err({ kind: 'malformed', message: parsed.error.message });
  return ok(parsed.data);
}

/** Identifies a transaction in block results: taggedHash over its wire bytes. */
export const txHash = (bytes: Uint8Array): Uint8Array => taggedHash(TAG.devnetTxId, bytes);
