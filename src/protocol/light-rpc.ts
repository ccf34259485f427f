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
import {
  buildMerkleTree,
  InclusionProofSchema,
  leafHash,
  verifyInclusion,
  type MerkleTree,
} from './merkle.js';
import { StateKeySchema, StateProofSchema } from './state-tree.js';
import { equalBytes } from './bytes.js';
import { err, ok, type Result } from '../shared/result.js';

/** Light blocks per /veche/headers/1 answer. */
export const MAX_HEADERS_PER_REQUEST = 32;
/** Keys asked per /veche/state/1 request. */
export const MAX_STATE_ITEMS = 256;
/**
 * Items listed under a prefix per /veche/state/1 answer. A unit's roll runs to tens of
 * thousands of entries; the kiosk pages through it with `after` and asks for `bare` items
 * (~130 bytes a roll entry, against ~1 KB with its path). The kiosk decodes and checks a
 * page in one go: 8 192 bare items measured 65–100 ms of CBOR decoding and 14–49 ms of zod,
 * so a page is half that, to keep the voter's screen from stalling for long.
 */
export const MAX_LISTING_ITEMS = 4096;
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
 * items under a prefix in key order (UTF-8 bytes), only those past `after` when it is given
 * (paging); a page is capped and `complete` says whether it reaches the prefix's end. With
 * `bare`, listed items come without their paths, except the prefix's first item: a listing
 * checked whole (verifyPrefixComplete) needs one path, and the paths were most of its bytes.
 */
export const StateRequestSchema = z.strictObject({
  height: HeightSchema.nullable(),
  keys: z.array(StateKeySchema).max(MAX_STATE_ITEMS),
  prefix: z.string().min(1).max(256).nullable(),
  after: StateKeySchema.nullable().optional(),
  bare: z.boolean().optional(),
});
export const StateResponseSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('ok'),
    height: HeightSchema,
    // Asked keys, a page of listed items, and the prefix's emptiness proof.
    proofs: z.array(StateProofSchema).max(MAX_STATE_ITEMS + MAX_LISTING_ITEMS + 1),
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

// ---- /veche/submit-batch/2 and /veche/proof-batch/2 ------------------------------------
// The same questions as /veche/submit/1 and /veche/proof/1, many per exchange: one unary
// exchange per ballot costs a stream, a rate-limit slot and a round trip each, which is
// most of a backlog's time on the kiosk's side. Every item gets its own answer, so one bad
// ballot does not sink the others. Version 2 (docs/sync.md, "Batches"): a batch answer
// carries ONE signature over a Merkle root of the received transaction ids, each received
// item its audit path (a hash and a path per ballot for the kiosk instead of an Ed25519
// verification), and a proof answer no longer echoes the transaction the kiosk already
// has. The ids changed (…/1 → …/2) so a peer of the other version fails cleanly with
// `unsupported-protocol` instead of mis-parsing.

/** Items per batch request. */
export const MAX_BATCH_ITEMS = 256;
/** Sum of the transaction bytes in one /veche/submit-batch/2 request. */
export const MAX_SUBMIT_BATCH_BYTES = 2 * 1024 * 1024;
/**
 * Budget for the proof bytes of one /veche/proof-batch/2 answer: a server answers a prefix
 * of the asked ids within it, and the kiosk asks for the rest again.
 */
export const MAX_PROOF_BATCH_BYTES = 2 * 1024 * 1024;
/** Audit path length of a tree of MAX_BATCH_ITEMS leaves. */
const MAX_BATCH_PATH = 8;

/**
 * What a batch receipt's signature covers: this validator received, at `height`, the
 * `count` transactions whose ids are the leaves (in request order) of the RFC 6962 tree
 * with `root`. Leaf i is leafHash(taggedHash(TAG.devnetTxId, tx_i)).
 */
export const BatchReceiptBodySchema = z.strictObject({
  chainId: ChainIdSchema,
  validator: bytesSchema(PUBLIC_KEY_SIZE),
  height: z.int().nonnegative(),
  count: z.int().min(1).max(MAX_BATCH_ITEMS),
  root: Hash32Schema,
});
export type BatchReceiptBody = z.infer<typeof BatchReceiptBodySchema>;

export const BatchReceiptSchema = z.strictObject({
  body: BatchReceiptBodySchema,
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type BatchReceipt = z.infer<typeof BatchReceiptSchema>;

export function batchReceiptSignBytes(body: BatchReceiptBody): Uint8Array {
  return taggedHash(TAG.batchReceipt, encodeCanonical(body));
}

/** Signs the root over `txIds` (the received items' ids, in request order). */
export function signBatchReceipt(
  head: Omit<BatchReceiptBody, 'count' | 'root'>,
  txIds: readonly Uint8Array[],
  signer: Ed25519Signer,
): { receipt: BatchReceipt; tree: MerkleTree } {
  const tree = buildMerkleTree(txIds.map(leafHash));
  const body: BatchReceiptBody = { ...head, count: txIds.length, root: tree.root };
  return { receipt: { body, signature: signer.sign(batchReceiptSignBytes(body)) }, tree };
}

/** The signature only: the caller checks the key is a verified validator's and the chain. */
export function verifyBatchReceipt(r: BatchReceipt): boolean {
  return verifyEd25519(r.body.validator, batchReceiptSignBytes(r.body), r.signature);
}

/** One ballot's share of a batch receipt: what the kiosk stores and verify-receipt checks. */
export const BatchItemReceiptSchema = z.strictObject({
  batch: BatchReceiptSchema,
  index: z.int().nonnegative(),
  path: z.array(Hash32Schema).max(MAX_BATCH_PATH),
});
export type BatchItemReceipt = z.infer<typeof BatchItemReceiptSchema>;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** The stored item's keys with their encodings, in RFC 8949 deterministic order. */
const ITEM_KEYS = (['batch', 'index', 'path'] as const)
  .map((k) => [k, encodeCanonical(k)] as const)
  .sort(([, a], [, b]) => compareBytes(a, b));

/**
 * encodeCanonical({batch, index, path}) for one item, with the batch receipt's encoding
 * (`encodeCanonical(batch)`) made once per answer instead of once per ballot. A unit test
 * compares the bytes with encodeCanonical of the whole value.
 */
export function encodeBatchItemReceipt(
  batchBytes: Uint8Array,
  index: number,
  path: readonly Uint8Array[],
): Uint8Array {
  const values = { batch: batchBytes, index: encodeCanonical(index), path: encodeCanonical(path) };
  const parts = [Uint8Array.of(0xa3), ...ITEM_KEYS.flatMap(([k, key]) => [key, values[k]])];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** The path puts `txId` at `index` under the signed root (the signature is checked apart). */
export function batchItemCovers(r: BatchItemReceipt, txId: Uint8Array): boolean {
  const proof = { index: r.index, size: r.batch.body.count, path: r.path };
  return verifyInclusion(leafHash(txId), proof, r.batch.body.root).ok;
}

/**
 * A receipt as the outbox stores it: a v1 single receipt (`/veche/submit/1`, and rows of
 * earlier releases) or one item of a batch receipt. The two shapes have disjoint keys.
 */
export const StoredReceiptSchema = z.union([ReceiptSchema, BatchItemReceiptSchema]);
export type StoredReceipt = z.infer<typeof StoredReceiptSchema>;

export const SubmitBatchRequestSchema = z
  .strictObject({
    txs: z.array(bytesSchema(undefined, MAX_SUBMIT_TX_BYTES)).min(1).max(MAX_BATCH_ITEMS),
  })
  .refine((r) => r.txs.reduce((n, t) => n + t.byteLength, 0) <= MAX_SUBMIT_BATCH_BYTES, {
    message: `more than ${MAX_SUBMIT_BATCH_BYTES} transaction bytes`,
  });
export const SubmitBatchItemSchema = z.discriminatedUnion('status', [
  /** Leaf `index` of the batch receipt's tree (the k-th received item has index k). */
  z.strictObject({
    status: z.literal('received'),
    index: z.int().nonnegative().max(MAX_BATCH_ITEMS),
    path: z.array(Hash32Schema).max(MAX_BATCH_PATH),
  }),
  z.strictObject({
    status: z.literal('included'),
    height: HeightSchema,
    index: z.int().nonnegative(),
  }),
  z.strictObject({
    status: z.literal('rejected'),
    reason: z.string().max(64),
    detail: z.string().max(1024),
  }),
]);
export type SubmitBatchItem = z.infer<typeof SubmitBatchItemSchema>;
/**
 * `results[i]` answers `txs[i]`; the kiosk refuses an answer of any other length. `receipt`
 * is present exactly when some item is "received", over those items in order.
 */
export const SubmitBatchResponseSchema = z.strictObject({
  receipt: BatchReceiptSchema.nullable(),
  results: z.array(SubmitBatchItemSchema).max(MAX_BATCH_ITEMS),
});
export type SubmitBatchRequest = z.infer<typeof SubmitBatchRequestSchema>;
export type SubmitBatchResponse = z.infer<typeof SubmitBatchResponseSchema>;

export const SUBMIT_BATCH_PROTOCOL = defineProtocol({
  id: '/veche/submit-batch/2',
  request: SubmitBatchRequestSchema,
  response: SubmitBatchResponseSchema,
  // The transaction bytes plus CBOR framing (a few bytes per item).
  maxRequestBytes: MAX_SUBMIT_BATCH_BYTES + MAX_BATCH_ITEMS * 16 + 64,
  // A rejected item's reason and detail are at most ~1.1 KiB; a path is ≤ 8 × 33 bytes.
  maxResponseBytes: MAX_BATCH_ITEMS * 1280 + 512,
  timeoutMs: 30_000,
  // One batch stands for up to 256 unary submissions: 4 per second is 1 024 ballots/s.
  rateLimit: { burst: 8, perSecond: 4, maxConcurrent: 2 },
});

export const ProofBatchRequestSchema = z.strictObject({
  ballotIds: z.array(Hash32Schema).min(1).max(MAX_BATCH_ITEMS),
});
/** As /veche/proof/1's answers, but "included" without the transaction bytes. */
export const ProofBatchItemSchema = z.discriminatedUnion('status', [
  /** The asker's own tx is leaf `proof.index` of the tree whose root is dataHash(height). */
  z.strictObject({
    status: z.literal('included'),
    height: HeightSchema,
    proof: InclusionProofSchema,
  }),
  z.strictObject({ status: z.literal('pending') }),
  z.strictObject({ status: z.literal('unknown') }),
  z.strictObject({
    status: z.literal('rejected'),
    height: HeightSchema.nullable(),
    reason: z.string().max(64),
    detail: z.string().max(1024),
  }),
]);
export type ProofBatchItem = z.infer<typeof ProofBatchItemSchema>;
/** `results[i]` answers `ballotIds[i]`; a prefix when the byte budget ran out. */
export const ProofBatchResponseSchema = z.strictObject({
  results: z.array(ProofBatchItemSchema).max(MAX_BATCH_ITEMS),
});
export type ProofBatchRequest = z.infer<typeof ProofBatchRequestSchema>;
export type ProofBatchResponse = z.infer<typeof ProofBatchResponseSchema>;

export const PROOF_BATCH_PROTOCOL = defineProtocol({
  id: '/veche/proof-batch/2',
  request: ProofBatchRequestSchema,
  response: ProofBatchResponseSchema,
  maxRequestBytes: MAX_BATCH_ITEMS * 40 + 64,
  // The budget plus per-item framing and a rejection's detail.
  maxResponseBytes: MAX_PROOF_BATCH_BYTES + MAX_BATCH_ITEMS * 2048,
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
