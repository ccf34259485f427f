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
  MAX_STATE_ITEMS,
  PROOF_PROTOCOL,
  signReceipt,
  STATE_PROTOCOL,
  SUBMIT_PROTOCOL,
  type HeadersRequest,
  type HeadersResponse,
  type ProofRequest,
  type ProofResponse,
  type StateRequest,
  type StateResponse,
  type SubmitRequest,
  type SubmitResponse,
} from '../protocol/light-rpc.js';
import type { LightBlock } from '../protocol/header.js';
import { buildMerkleTree, leafHash, type MerkleTree } from '../protocol/merkle.js';
import { buildStateTree, type StateProof } from '../protocol/state-tree.js';
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
  const r = v.submit(req.tx);
  if (!r.ok) {
    switch (r.error.kind) {
      case 'too-large':
        return { status: 'rejected', reason: 'too-large', detail: `${r.error.bytes} bytes` };
      case 'bad-validator-update':
        return { status: 'rejected', reason: 'bad-validator-update', detail: '' };
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
    case 'pending': {
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
    default:
      return assertNever(r.value, 'submit outcome');
  }
}

// Proofs of one block are usually asked for together: keep the last few blocks' trees.
// Keyed by dataHash, not height: several devnets may share a process (tests).
const treeCache = new Map<string, MerkleTree>();
const MAX_TREES = 16;

function treeOf(dataHash: Uint8Array, txs: readonly Uint8Array[]): MerkleTree {
  const k = toHex(dataHash);
  let t = treeCache.get(k);
  if (t === undefined) {
    t = buildMerkleTree(txs.map((x) => leafHash(x)));
    if (treeCache.size >= MAX_TREES) treeCache.clear();
    treeCache.set(k, t);
  }
  return t;
}

export function answerProof(d: LightServerDeps, req: ProofRequest): ProofResponse {
  const v = need(d);
  const id = toHex(req.ballotId);
  const s = v.ballotStatus(id);
  if (s?.kind === 'included') {
    const block = v.block(s.height);
    const tx = block?.txs[s.index];
    if (block === undefined || tx === undefined) throw new Error(`index names a missing tx ${id}`);
    const proof = treeOf(block.header.dataHash, block.txs).proof(s.index);
    return {
      status: 'included',
      height: s.height,
      tx,
      proof: d.faults.badProofs ? corruptProof(proof) : proof,
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
  const tree = buildStateTree(state.leaves());
  const proofs: StateProof[] = req.keys.map((k) => tree.prove(k));
  let complete = true;
  if (req.prefix !== null) {
    const items = state.list(req.prefix);
    const room = MAX_STATE_ITEMS - proofs.length;
    complete = items.length <= room;
    for (const [k] of items.slice(0, Math.max(0, room))) proofs.push(tree.prove(k));
  }
  return { status: 'ok', height, proofs, complete };
}

/** Serves the four protocols on `node`; stop the returned services to unregister. */
export async function serveLightProtocols(node: NetNode, d: LightServerDeps): Promise<Service[]> {
  return Promise.all([
    serve(node, HEADERS_PROTOCOL, (req) => answerHeaders(d, req)),
    serve(node, SUBMIT_PROTOCOL, (req) => answerSubmit(d, req)),
    serve(node, PROOF_PROTOCOL, (req) => answerProof(d, req)),
    serve(node, STATE_PROTOCOL, (req) => answerState(d, req)),
  ]);
}
