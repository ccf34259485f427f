// The light-node protocols (src/protocol/light-rpc.ts) served from one validator. The
// handlers are plain functions of the validator, so they are tested with and without
// libp2p; serveLightProtocols wires them to a NetNode (size limits and per-peer rate
// limits come from the protocol definitions, enforced by src/net). The serving faults of
// faults.ts are applied here, on the way out.
import { decodeTx } from './app/index.js';
import type { Ed25519Signer } from '../protocol/ed25519.js';
import { taggedHash, TAG, toHex } from '../protocol/hash.js';
import {
  HEADERS_PROTOCOL,
  MAX_HEADERS_PER_REQUEST,
  MAX_PROOF_BATCH_BYTES,
  MAX_LISTING_ITEMS,
  PROOF_BATCH_PROTOCOL,
  PROOF_PROTOCOL,
  signBatchReceipt,
  signReceipt,
  STATE_PROTOCOL,
  SUBMIT_BATCH_PROTOCOL,
  SUBMIT_PROTOCOL,
  type HeadersRequest,
  type ProofBatchItem,
  type ProofBatchRequest,
  type ProofBatchResponse,
  type SubmitBatchItem,
  type SubmitBatchRequest,
  type SubmitBatchResponse,
  type HeadersResponse,
  type ProofRequest,
  type ProofResponse,
  type StateRequest,
  type StateResponse,
  type SubmitRequest,
  type SubmitResponse,
} from '../protocol/light-rpc.js';
import type { LightBlock } from '../protocol/header.js';
import type { StateProof } from '../protocol/state-tree.js';
import type { NetNode } from '../net/node.js';
import { serve, type Service } from '../net/reqres.js';
import { assertNever } from '../shared/result.js';
import type { Validator } from './consensus/validator.js';
import { corruptProof, forgeLightBlock, type FaultSwitches } from './faults.js';

export interface LightServerDeps {
  /** The validator to answer from (a restart replaces it); undefined while it is down. */
  validator(): Validator | undefined;
  signer: Ed25519Signer;
  faults: FaultSwitches;
}

const SUBMITS_PER_SLICE = 32;

/** Thrown only to make src/net answer 'internal': the validator is down or faulted. */
class Unavailable extends Error {}

function need(d: LightServerDeps): Validator {
  const v = d.validator();
  if (v === undefined) throw new Unavailable('validator is down');
  return v;
}

export function answerHeaders(d: LightServerDeps, req: HeadersRequest): HeadersResponse {
  const v = need(d);
  const latest = v.committedHeight;
  const from = req.from ?? latest;
  const to = Math.min(req.to ?? from, latest, from + MAX_HEADERS_PER_REQUEST - 1);
  const blocks: LightBlock[] = [];
  for (let h = Math.max(from, 1); h <= to; h++) {
    const b = v.lightBlock(h);
    if (b === undefined) break;
    blocks.push(d.faults.forgeHeaders ? forgeLightBlock(b) : b);
  }
  return { latest, blocks };
}

export function answerSubmit(d: LightServerDeps, req: SubmitRequest): SubmitResponse {
  const v = need(d);
  const a = admit(v, req.tx);
  if (a.status !== 'pending') return a;
  // The transaction is in the mempool either way: only the answer is lost.
  if (d.faults.dropReceipts) throw new Unavailable('receipt dropped (fault switch)');
  const tx = decodeTx(req.tx);
  const ballotId = tx.ok && tx.value.body.kind === 'ballot' ? tx.value.body.ballotId : null;
  const receipt = signReceipt(
    {
      chainId: v.chainId,
      txId: taggedHash(TAG.devnetTxId, req.tx),
      ballotId,
      height: v.committedHeight,
      validator: d.signer.publicKey,
    },
    d.signer,
  );
  return { status: 'received', receipt };
}

/** CheckTx and the mempool: a submit answer, or "pending" for the caller to receipt. */
type Admission = Exclude<SubmitResponse, { status: 'received' }> | { status: 'pending' };

function admit(v: Validator, txBytes: Uint8Array): Admission {
  const r = v.submit(txBytes);
  if (!r.ok) {
    switch (r.error.kind) {
      case 'too-large':
        return { status: 'rejected', reason: 'too-large', detail: `${r.error.bytes} bytes` };
      case 'bad-validator-update':
        return { status: 'rejected', reason: 'bad-validator-update', detail: '' };
      case 'mempool-full':
        return { status: 'rejected', reason: 'mempool-full', detail: `${r.error.limit} txs` };
      case 'rejected':
        return {
          status: 'rejected',
          reason: r.error.rejection.kind,
          detail: JSON.stringify(r.error.rejection).slice(0, 1024),
        };
      default:
        return assertNever(r.error, 'submit error');
    }
  }
  switch (r.value.kind) {
    case 'included':
      return { status: 'included', height: r.value.height, index: r.value.index };
    case 'pending':
      return { status: 'pending' };
    default:
      return assertNever(r.value, 'submit outcome');
  }
}

export function answerProof(d: LightServerDeps, req: ProofRequest): ProofResponse {
  const v = need(d);
  const id = toHex(req.ballotId);
  const s = v.ballotStatus(id);
  if (s?.kind === 'included') {
    const p = v.txProof(s.height, s.index);
    if (p === undefined) throw new Error(`index names a missing tx ${id}`);
    return {
      status: 'included',
      height: s.height,
      tx: p.tx,
      proof: d.faults.badProofs ? corruptProof(p.proof) : p.proof,
    };
  }
  if (v.hasPendingBallot(id)) return { status: 'pending' };
  if (s?.kind === 'rejected') {
    return {
      status: 'rejected',
      height: s.height,
      reason: s.reason,
      detail: s.detail.slice(0, 1024),
    };
  }
  return { status: 'unknown' };
}

export function answerState(d: LightServerDeps, req: StateRequest): StateResponse {
  const v = need(d);
  const latest = v.committedHeight;
  const height = req.height ?? latest;
  const state = height >= 1 && height <= latest ? v.stateAt(height) : undefined;
  if (state === undefined) return { status: 'unavailable', latest };
  const proofs: StateProof[] = req.keys.map((k) => state.prove(k));
  let complete = true;
  if (req.prefix !== null) {
    const after = req.after ?? null;
    const room = MAX_LISTING_ITEMS;
    // One key past the page says whether the page reaches the prefix's end.
    const items = state.keysAfter(req.prefix, after, room + 1);
    complete = items.length <= room;
    let bytes = proofs.reduce((n, p) => n + proofBytes(p), 0);
    for (const [i, k] of items.slice(0, room).entries()) {
      // A page stops early rather than outgrow the response limit; the kiosk sees
      // `complete: false` and asks for the next page, as for the item cap.
      if (bytes >= STATE_LISTING_BUDGET) {
        complete = false;
        break;
      }
      let p = state.prove(k);
      if (req.bare === true && p.kind === 'present' && (after !== null || i > 0)) {
        p = { kind: 'present', item: { ...p.item, path: [] } };
      }
      bytes += proofBytes(p);
      proofs.push(p);
    }
    // Nothing under the prefix: the prefix's own absence proof shows it (its leaf is not
    // under the prefix; verifyPrefixEmpty), so the kiosk need not ask again.
    if (after === null && items.length === 0) proofs.push(state.prove(req.prefix));
  }
  return { status: 'ok', height, proofs, complete };
}

/**
 * Half the response limit, so the item that crosses it (a value is at most 1 MiB, a path
 * at most 9·257 steps of ~45 encoded bytes) still fits.
 */
const STATE_LISTING_BUDGET = STATE_PROTOCOL.maxResponseBytes / 2;

/** An upper estimate of a proof's encoded size: value, key and ~45 bytes a path step. */
function proofBytes(p: StateProof): number {
  const item = p.kind === 'present' ? p.item : p.leaf;
  return (
    64 + (item === null ? 0 : item.value.byteLength + 4 * item.key.length + 48 * item.path.length)
  );
}

/**
 * Each transaction admitted as /veche/submit/1 would admit it, in order; the received ones
 * are acknowledged by one signature over the root of their transaction ids, each with its
 * audit path. A down validator or the dropReceipts fault loses the whole answer (as a lost
 * message would); the transactions a fault-dropped answer admitted stay in the mempool,
 * like the unary case.
 */
export async function answerSubmitBatch(
  d: LightServerDeps,
  req: SubmitBatchRequest,
): Promise<SubmitBatchResponse> {
  const v = need(d);
  const admitted: Admission[] = [];
  const txIds: Uint8Array[] = [];
  for (const [i, tx] of req.txs.entries()) {
    // A batch is hundreds of CheckTx runs: let the event loop serve other peers (and
    // libp2p's pings) in between, as a validator process would.
    if (i > 0 && i % SUBMITS_PER_SLICE === 0) await new Promise((r) => setImmediate(r));
    const a = admit(v, tx);
    admitted.push(a);
    if (a.status === 'pending') txIds.push(taggedHash(TAG.devnetTxId, tx));
  }
  if (txIds.length > 0 && d.faults.dropReceipts) {
    throw new Unavailable('receipts dropped (fault switch)');
  }
  const signed =
    txIds.length === 0
      ? null
      : signBatchReceipt(
          { chainId: v.chainId, validator: d.signer.publicKey, height: v.committedHeight },
          txIds,
          d.signer,
        );
  let k = 0;
  const results = admitted.map((a): SubmitBatchItem => {
    if (a.status !== 'pending') return a;
    if (signed === null) throw new Error('a received item without a batch receipt');
    const { index, path } = signed.tree.proof(k++);
    return { status: 'received', index, path };
  });
  return { receipt: signed?.receipt ?? null, results };
}

/** A prefix of the answers /veche/proof/1 would give (without the tx), within the budget. */
export function answerProofBatch(d: LightServerDeps, req: ProofBatchRequest): ProofBatchResponse {
  const results: ProofBatchItem[] = [];
  let bytes = 0;
  for (const ballotId of req.ballotIds) {
    if (bytes >= MAX_PROOF_BATCH_BYTES) break;
    const a = answerProof(d, { ballotId });
    if (a.status === 'included') {
      bytes += 64 + 33 * a.proof.path.length;
      results.push({ status: 'included', height: a.height, proof: a.proof });
    } else {
      bytes += a.status === 'rejected' ? 128 + a.detail.length : 8;
      results.push(a);
    }
  }
  return { results };
}

/**
 * Serves the light protocols on `node`; stop the returned services to unregister.
 * `batch: false` leaves out the batch protocols (a validator of an older release).
 */
export async function serveLightProtocols(
  node: NetNode,
  d: LightServerDeps,
  opts: { batch?: boolean } = {},
): Promise<Service[]> {
  const unary = [
    serve(node, HEADERS_PROTOCOL, (req) => answerHeaders(d, req)),
    serve(node, SUBMIT_PROTOCOL, (req) => answerSubmit(d, req)),
    serve(node, PROOF_PROTOCOL, (req) => answerProof(d, req)),
    serve(node, STATE_PROTOCOL, (req) => answerState(d, req)),
  ];
  if (opts.batch === false) return Promise.all(unary);
  return Promise.all([
    ...unary,
    serve(node, SUBMIT_BATCH_PROTOCOL, (req) => answerSubmitBatch(d, req)),
    serve(node, PROOF_BATCH_PROTOCOL, (req) => answerProofBatch(d, req)),
  ]);
}
