// The light-node protocols from the kiosk's side, one validator peer at a time. Transport
// failures come back as values; nothing here trusts an answer (the callers verify).
import type { NetError } from '../net/errors.js';
import type { NetNode } from '../net/node.js';
import { call } from '../net/reqres.js';
import type { LightBlock } from '../protocol/header.js';
import {
  HEADERS_PROTOCOL,
  PROOF_BATCH_PROTOCOL,
  PROOF_PROTOCOL,
  STATE_PROTOCOL,
  SUBMIT_BATCH_PROTOCOL,
  SUBMIT_PROTOCOL,
  type ProofBatchResponse,
  type ProofResponse,
  type StateRequest,
  type StateResponse,
  type SubmitBatchResponse,
  type SubmitResponse,
} from '../protocol/light-rpc.js';
import { err, ok, type Result } from '../shared/result.js';

export type FetchError = NetError | { kind: 'no-block'; height: number };

export interface PeerRpc {
  readonly peerId: string;
  lightBlock(height: number): Promise<Result<LightBlock, FetchError>>;
  latestHeight(): Promise<Result<number, FetchError>>;
  submit(tx: Uint8Array): Promise<Result<SubmitResponse, NetError>>;
  proof(ballotId: Uint8Array): Promise<Result<ProofResponse, NetError>>;
  state(req: StateRequest): Promise<Result<StateResponse, NetError>>;
  /** Many transactions in one exchange (MAX_BATCH_ITEMS, MAX_SUBMIT_BATCH_BYTES). */
  submitBatch(txs: Uint8Array[]): Promise<Result<SubmitBatchResponse, NetError>>;
  proofBatch(ballotIds: Uint8Array[]): Promise<Result<ProofBatchResponse, NetError>>;
}

export interface RpcCounters {
  headerFetches: number;
  /** Unary submissions, and transactions sent in batches. */
  submits: number;
  proofs: number;
  submitBatches: number;
  proofBatches: number;
}

export function peerRpc(node: NetNode, peerId: string, counters: RpcCounters): PeerRpc {
  return {
    peerId,
    async lightBlock(height) {
      counters.headerFetches++;
      const r = await call(node, peerId, HEADERS_PROTOCOL, { from: height, to: height });
      if (!r.ok) return r;
      const b = r.value.blocks[0];
      return b === undefined ? err({ kind: 'no-block', height }) : ok(b);
    },
    async latestHeight() {
      const r = await call(node, peerId, HEADERS_PROTOCOL, { from: null, to: null });
      return r.ok ? ok(r.value.latest) : r;
    },
    submit(tx) {
      counters.submits++;
      return call(node, peerId, SUBMIT_PROTOCOL, { tx });
    },
    proof(ballotId) {
      counters.proofs++;
      return call(node, peerId, PROOF_PROTOCOL, { ballotId });
    },
    state(req) {
      return call(node, peerId, STATE_PROTOCOL, req);
    },
    submitBatch(txs) {
      counters.submitBatches++;
      counters.submits += txs.length;
      return call(node, peerId, SUBMIT_BATCH_PROTOCOL, { txs });
    },
    proofBatch(ballotIds) {
      counters.proofBatches++;
      counters.proofs += ballotIds.length;
      return call(node, peerId, PROOF_BATCH_PROTOCOL, { ballotIds });
    },
  };
}
