// The light-node protocols a validator serves and the kiosk's sync node calls (DESIGN §5):
// headers, submission, inclusion proofs and state items. Every answer the kiosk acts on is
// checkable: light blocks by the light client, proofs against a verified header's dataHash
// or appHash, receipts by the validator's signature. See docs/devnet.md.
import { z } from 'zod';
import { defineProtocol } from '../net/protocol.js';
import { bytesSchema, Hash32Schema } from './bytes.js';
import { encodeCanonical } from './encoding.js';
import { PUBLIC_KEY_SIZE, SIGNATURE_SIZE, verifyEd25519, type Ed25519Signer } from './ed25519.js';
import { ChainIdSchema, HeightSchema, LightBlockSchema } from './header.js';
import { TAG, taggedHash } from './hash.js';
import { InclusionProofSchema, leafHash, verifyInclusion } from './merkle.js';
import { StateKeySchema, StateProofSchema } from './state-tree.js';
import { equalBytes } from './bytes.js';
import { err, ok, type Result } from '../shared/result.js';

/** Light blocks per /veche/headers/1 answer. */
export const MAX_HEADERS_PER_REQUEST = 32;
/** State items per /veche/state/1 answer (keys asked, or items listed under a prefix). */
export const MAX_STATE_ITEMS = 256;
/** Largest transaction /veche/submit/1 takes (a sealed ballot is far smaller). */
export const MAX_SUBMIT_TX_BYTES = 512 * 1024;

// ---- /veche/headers/1 ------------------------------------------------------------------

/** Light blocks `from`..`to` (inclusive, capped), or only the latest when `from` is null. */
export const HeadersRequestSchema = z.strictObject({
  from: HeightSchema.nullable(),
  to: HeightSchema.nullable(),
});
export const HeadersResponseSchema = z.strictObject({
  /** The serving validator's latest committed height. */
  latest: z.int().nonnegative(),
  blocks: z.array(LightBlockSchema).max(MAX_HEADERS_PER_REQUEST),
});
export type HeadersRequest = z.infer<typeof HeadersRequestSchema>;
export type HeadersResponse = z.infer<typeof HeadersResponseSchema>;

export const HEADERS_PROTOCOL = defineProtocol({
  id: '/veche/headers/1',
  request: HeadersRequestSchema,
  response: HeadersResponseSchema,
  maxRequestBytes: 64,
  // 32 light blocks of up to ~100 validators each.
  maxResponseBytes: 4 * 1024 * 1024,
  rateLimit: { burst: 20, perSecond: 10, maxConcurrent: 4 },
});

// ---- /veche/submit/1 -------------------------------------------------------------------

/** What a receipt's signature covers: this validator received this transaction at height. */
export const ReceiptBodySchema = z.strictObject({
  chainId: ChainIdSchema,
  /** taggedHash(TAG.devnetTxId, tx bytes). */
  txId: Hash32Schema,
  /** The ballot's id when the transaction is a ballot. */
  ballotId: Hash32Schema.nullable(),
  /** The validator's committed height when it accepted the transaction. */
  height: z.int().nonnegative(),
  validator: bytesSchema(PUBLIC_KEY_SIZE),
});
export type ReceiptBody = z.infer<typeof ReceiptBodySchema>;

export const ReceiptSchema = z.strictObject({
  body: ReceiptBodySchema,
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export function receiptSignBytes(body: ReceiptBody): Uint8Array {
  return taggedHash(TAG.receipt, encodeCanonical(body));
}

export function signReceipt(body: ReceiptBody, signer: Ed25519Signer): Receipt {
  return { body, signature: signer.sign(receiptSignBytes(body)) };
}

/** A receipt is only as good as its signer: the caller checks the key is a validator's. */
export function verifyReceipt(r: Receipt): boolean {
  return verifyEd25519(r.body.validator, receiptSignBytes(r.body), r.signature);
}

export const SubmitRequestSchema = z.strictObject({
  tx: bytesSchema(undefined, MAX_SUBMIT_TX_BYTES),
});
export const SubmitResponseSchema = z.discriminatedUnion('status', [
  /** In the mempool: final only once an inclusion proof verifies. */
  z.strictObject({ status: z.literal('received'), receipt: ReceiptSchema }),
  /** Already in a block: success, idempotent resubmission. */
  z.strictObject({
    status: z.literal('included'),
    height: HeightSchema,
    index: z.int().nonnegative(),
  }),
  /** The app refused it; `reason` is the rejection kind (docs/governance.md). */
  z.strictObject({
    status: z.literal('rejected'),
    reason: z.string().max(64),
    detail: z.string().max(1024),
  }),
]);
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>;
export type SubmitResponse = z.infer<typeof SubmitResponseSchema>;

export const SUBMIT_PROTOCOL = defineProtocol({
  id: '/veche/submit/1',
  request: SubmitRequestSchema,
  response: SubmitResponseSchema,
  maxRequestBytes: MAX_SUBMIT_TX_BYTES + 64,
  maxResponseBytes: 4096,
  rateLimit: { burst: 50, perSecond: 20, maxConcurrent: 4 },
});

// ---- /veche/proof/1 --------------------------------------------------------------------

export const ProofRequestSchema = z.strictObject({ ballotId: Hash32Schema });
export const ProofResponseSchema = z.discriminatedUnion('status', [
  /** `tx` is leaf `proof.index` of the RFC 6962 tree whose root is header(height).dataHash. */
  z.strictObject({
    status: z.literal('included'),
    height: HeightSchema,
    tx: bytesSchema(undefined, MAX_SUBMIT_TX_BYTES),
    proof: InclusionProofSchema,
  }),
  z.strictObject({ status: z.literal('pending') }),
  z.strictObject({ status: z.literal('unknown') }),
  z.strictObject({
    status: z.literal('rejected'),
    /** The block that refused it, or null when the mempool did. */
    height: HeightSchema.nullable(),
    reason: z.string().max(64),
    detail: z.string().max(1024),
  }),
]);
export type ProofRequest = z.infer<typeof ProofRequestSchema>;
export type ProofResponse = z.infer<typeof ProofResponseSchema>;

export const PROOF_PROTOCOL = defineProtocol({
  id: '/veche/proof/1',
  request: ProofRequestSchema,
  response: ProofResponseSchema,
  maxRequestBytes: 64,
  maxResponseBytes: MAX_SUBMIT_TX_BYTES + 4096,
});

export type InclusionCheckError =
  | { kind: 'wrong-height'; header: number; proof: number }
  | { kind: 'proof-invalid'; message: string };

/** Checks an 'included' answer against a header the light client verified. */
export function verifyTxInclusion(
  answer: { height: number; tx: Uint8Array; proof: z.infer<typeof InclusionProofSchema> },
  verifiedHeader: { height: number; dataHash: Uint8Array },
): Result<void, InclusionCheckError> {
  if (answer.height !== verifiedHeader.height) {
    return err({ kind: 'wrong-height', header: verifiedHeader.height, proof: answer.height });
  }
  const r = verifyInclusion(leafHash(answer.tx), answer.proof, verifiedHeader.dataHash);
  if (!r.ok) return err({ kind: 'proof-invalid', message: r.error.kind });
  return ok(undefined);
}

// ---- /veche/state/1 --------------------------------------------------------------------

/**
 * Items with proofs against appHash of header `height` (the state after block height - 1),
 * or of the latest header when null. Either named keys (present or proven absent), or the
 * items under a prefix (capped; `complete` says whether all were sent).
 */
export const StateRequestSchema = z.strictObject({
  height: HeightSchema.nullable(),
  keys: z.array(StateKeySchema).max(MAX_STATE_ITEMS),
  prefix: z.string().min(1).max(256).nullable(),
});
export const StateResponseSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('ok'),
    height: HeightSchema,
    proofs: z.array(StateProofSchema).max(2 * MAX_STATE_ITEMS),
    complete: z.boolean(),
  }),
  /** The validator no longer keeps (or does not have yet) the state of that height. */
  z.strictObject({ status: z.literal('unavailable'), latest: z.int().nonnegative() }),
]);
export type StateRequest = z.infer<typeof StateRequestSchema>;
export type StateResponse = z.infer<typeof StateResponseSchema>;

export const STATE_PROTOCOL = defineProtocol({
  id: '/veche/state/1',
  request: StateRequestSchema,
  response: StateResponseSchema,
  maxRequestBytes: 96 * 1024,
  maxResponseBytes: 8 * 1024 * 1024,
  rateLimit: { burst: 20, perSecond: 10, maxConcurrent: 4 },
});

// ---- /veche/submit-batch/1 and /veche/proof-batch/1 ------------------------------------
// The same questions as /veche/submit/1 and /veche/proof/1, many per exchange: one unary
// exchange per ballot costs a stream, a rate-limit slot and a round trip each, which is
// most of a backlog's time on the kiosk's side. Every item gets its own answer, so one bad
// ballot does not sink the others, and each answer is checked exactly as the unary one is
// (receipt signature, inclusion proof against a verified header).

/** Items per batch request. */
export const MAX_BATCH_ITEMS = 256;
/** Sum of the transaction bytes in one /veche/submit-batch/1 request. */
export const MAX_SUBMIT_BATCH_BYTES = 2 * 1024 * 1024;
/**
 * Budget for the transaction and proof bytes of one /veche/proof-batch/1 answer: a server
 * answers a prefix of the asked ids within it, and the kiosk asks for the rest again.
 */
export const MAX_PROOF_BATCH_BYTES = 2 * 1024 * 1024;

export const SubmitBatchRequestSchema = z
  .strictObject({
    txs: z.array(bytesSchema(undefined, MAX_SUBMIT_TX_BYTES)).min(1).max(MAX_BATCH_ITEMS),
  })
  .refine((r) => r.txs.reduce((n, t) => n + t.byteLength, 0) <= MAX_SUBMIT_BATCH_BYTES, {
    message: `more than ${MAX_SUBMIT_BATCH_BYTES} transaction bytes`,
  });
/** `results[i]` answers `txs[i]`; the kiosk refuses an answer of any other length. */
export const SubmitBatchResponseSchema = z.strictObject({
  results: z.array(SubmitResponseSchema).max(MAX_BATCH_ITEMS),
});
export type SubmitBatchRequest = z.infer<typeof SubmitBatchRequestSchema>;
export type SubmitBatchResponse = z.infer<typeof SubmitBatchResponseSchema>;

export const SUBMIT_BATCH_PROTOCOL = defineProtocol({
  id: '/veche/submit-batch/1',
  request: SubmitBatchRequestSchema,
  response: SubmitBatchResponseSchema,
  // The transaction bytes plus CBOR framing (a few bytes per item).
  maxRequestBytes: MAX_SUBMIT_BATCH_BYTES + MAX_BATCH_ITEMS * 16 + 64,
  // A rejected item's reason and detail are at most ~1.1 KiB.
  maxResponseBytes: MAX_BATCH_ITEMS * 1280 + 64,
  timeoutMs: 30_000,
  // One batch stands for up to 256 unary submissions: 4 per second is 1 024 ballots/s.
  rateLimit: { burst: 8, perSecond: 4, maxConcurrent: 2 },
});

export const ProofBatchRequestSchema = z.strictObject({
  ballotIds: z.array(Hash32Schema).min(1).max(MAX_BATCH_ITEMS),
});
/** `results[i]` answers `ballotIds[i]`; a prefix when the byte budget ran out. */
export const ProofBatchResponseSchema = z.strictObject({
  results: z.array(ProofResponseSchema).max(MAX_BATCH_ITEMS),
});
export type ProofBatchRequest = z.infer<typeof ProofBatchRequestSchema>;
export type ProofBatchResponse = z.infer<typeof ProofBatchResponseSchema>;

export const PROOF_BATCH_PROTOCOL = defineProtocol({
  id: '/veche/proof-batch/1',
  request: ProofBatchRequestSchema,
  response: ProofBatchResponseSchema,
  maxRequestBytes: MAX_BATCH_ITEMS * 40 + 64,
  // The budget, plus one item that may start inside it, plus per-item framing.
  maxResponseBytes: MAX_PROOF_BATCH_BYTES + MAX_SUBMIT_TX_BYTES + MAX_BATCH_ITEMS * 2048,
  timeoutMs: 30_000,
  rateLimit: { burst: 8, perSecond: 4, maxConcurrent: 2 },
});

export const LIGHT_PROTOCOLS = [
  HEADERS_PROTOCOL,
  SUBMIT_PROTOCOL,
  PROOF_PROTOCOL,
  STATE_PROTOCOL,
  SUBMIT_BATCH_PROTOCOL,
  PROOF_BATCH_PROTOCOL,
];

/** Receipt helper for the kiosk: a receipt names the tx it acknowledges. */
export function receiptCovers(r: Receipt, txId: Uint8Array): boolean {
  return equalBytes(r.body.txId, txId);
}
