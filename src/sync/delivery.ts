// Delivering the outbox: submit queued ballots (pipelined, idempotent by ballotId), verify
// and store validator receipts, ask for inclusion proofs, and mark a ballot final only when
// its proof verified against a header the light client verified. Failures are retried with
// exponential backoff and full jitter; refusals are stored with their reason.
import { equalBytes } from '../protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { TAG, taggedHash, toHex } from '../protocol/hash.js';
import type { NetError } from '../net/errors.js';
import {
  MAX_BATCH_ITEMS,
  MAX_SUBMIT_BATCH_BYTES,
  batchItemCovers,
  encodeBatchItemReceipt,
  receiptCovers,
  verifyBatchReceipt,
  verifyReceipt,
  type BatchReceipt,
  type ProofBatchItem,
  type SubmitBatchItem,
  type ProofResponse,
  type Receipt,
  type SubmitResponse,
} from '../protocol/light-rpc.js';
import {
  buildMerkleTree,
  leafHash,
  verifyInclusion,
  type InclusionProof,
} from '../protocol/merkle.js';
import type { PendingBallot, Store, Transition } from '../store/index.js';
import type { Clock } from '../shared/clock.js';
import { assertNever } from '../shared/result.js';
import type { RetrySchedule } from './backoff.js';
import type { LightClient } from './light-service.js';
import { runPool } from './pool.js';
import { isAlreadyIncluded, isTransientRefusal, toRejectReason } from './reasons.js';
import type { PeerRpc } from './rpc.js';

export interface DeliveryDeps {
  readonly store: Store;
  readonly light: LightClient;
  readonly peers: readonly PeerRpc[];
  readonly clock: Clock;
  readonly chainId: string;
  readonly submitRetry: RetrySchedule;
  readonly proofRetry: RetrySchedule;
  /** The transaction bytes to submit for an outbox row (default: the stored envelope). */
  readonly txOf: (b: PendingBallot) => Uint8Array;
  /** Calls in flight per validator. */
  readonly concurrencyPerPeer: number;
  /** Ballots looked at per round. */
  readonly maxPerRound: number;
  /** Use /veche/submit-batch/2 and /veche/proof-batch/2 where a validator serves them. */
  readonly batch: boolean;
}

/** Batch exchanges in flight per validator (the protocols admit 2 concurrently). */
const BATCHES_PER_PEER = 2;

/** The id a receipt names: taggedHash over the exact transaction bytes. */
const txIdOf = (tx: Uint8Array): Uint8Array => taggedHash(TAG.devnetTxId, tx);

export interface DeliveryStats {
  submitted: number;
  receipted: number;
  included: number;
  finalized: number;
  rejected: number;
  badReceipts: number;
  badProofs: number;
  errors: number;
  lastError: string | null;
}

export const emptyDeliveryStats = (): DeliveryStats => ({
  submitted: 0,
  receipted: 0,
  included: 0,
  finalized: 0,
  rejected: 0,
  badReceipts: 0,
  badProofs: 0,
  errors: 0,
  lastError: null,
});

interface ProvenAnswer {
  readonly ballot: PendingBallot;
  /** The transaction a unary /veche/proof/1 answer echoed; batch answers (v2) carry none. */
  readonly echoed: Uint8Array | null;
  readonly height: number;
  readonly proof: InclusionProof;
}

type Item = { readonly ballotId: Uint8Array; readonly transition: Transition };

/** A submit answer with its receipt already checked: the encoded receipt, or null if bad. */
type SubmitAnswer =
  | Exclude<SubmitResponse, { status: 'received' }>
  | { readonly status: 'received'; readonly receipt: Uint8Array | null };

export class Delivery {
  /** Ballots a validator reported as unknown after a receipt: submit them again. */
  private readonly resubmit = new Set<string>();
  /**
   * The newest chain height seen when a validator last said "pending" for a ballot: asking
   * again before a new block exists cannot change the answer, and "pending" is no failure
   * (no backoff), so each waiting ballot costs one proof query per block.
   */
  private readonly probedAt = new Map<string, number>();
  /** Validators that refused the batch protocols (an older release): unary from then on. */
  private readonly unaryOnly = new Set<string>();
  readonly stats = emptyDeliveryStats();

  constructor(private readonly d: DeliveryDeps) {}

  private peerFor(seq: number, attempt: number): PeerRpc {
    // Spread ballots over validators; each retry goes to the next one.
    const n = this.d.peers.length;
    const p = this.d.peers[(seq + attempt) % n];
    if (p === undefined) throw new Error('no peers');
    return p;
  }

  private error(message: string): void {
    this.stats.errors++;
    this.stats.lastError = message;
  }

  private apply(items: Item[]): void {
    if (items.length === 0) return;
    const r = this.d.store.outbox.transitionMany(items);
    // A storage failure leaves the rows where they were: the next round redoes the work.
    if (!r.ok) this.error(`store: ${r.error.kind}`);
  }

  private pendingBallots(): PendingBallot[] {
    const out: PendingBallot[] = [];
    let after = -1;
    for (let page = 0; page < 1000 && out.length < this.d.maxPerRound; page++) {
      const rows = this.d.store.outbox.pending(
        Math.min(1000, this.d.maxPerRound - out.length),
        after,
      );
      out.push(...rows);
      const last = rows[rows.length - 1];
      if (last === undefined) break;
      after = last.kioskSeq;
    }
    return out;
  }

  /** One delivery round. Nothing moves while the light client is alarmed. */
  async round(): Promise<void> {
    if (this.d.light.alarm !== null) return;
    const now = this.d.clock.now();
    const pending = this.pendingBallots();
    const toSubmit = pending.filter(
      (b) =>
        (b.state === 'queued' ||
          b.state === 'sent' ||
          (b.state === 'receipted' && this.resubmit.has(toHex(b.ballotId)))) &&
        this.d.submitRetry.due(toHex(b.ballotId), now),
    );
    const probe = new Set<string>();
    await this.submitAll(toSubmit, probe);
    if (this.d.light.alarm !== null) return;
    const forProof = pending.filter((b) => {
      const id = toHex(b.ballotId);
      return (
        probe.has(id) ||
        (b.state !== 'queued' &&
          this.d.proofRetry.due(id, now) &&
          (this.probedAt.get(id) ?? -1) < this.d.light.latestSeen)
      );
    });
    const proven = await this.proofsFor(forProof);
    await this.finalize(proven);
  }

  /** Whether to use the batch protocols with `peer` (until it shows it lacks them). */
  private batching(peer: PeerRpc): boolean {
    return this.d.batch && !this.unaryOnly.has(peer.peerId);
  }

  /** Marks a peer that does not speak the batch protocols; true if that was the failure. */
  private lacksBatch(peer: PeerRpc, e: NetError): boolean {
    if (e.kind !== 'refused' || e.reason !== 'unsupported-protocol') return false;
    this.unaryOnly.add(peer.peerId);
    return true;
  }

  /** Ballots grouped by the validator they go to (spread by kiosk sequence and attempt). */
  private byPeer<T>(
    ballots: readonly PendingBallot[],
    retry: RetrySchedule,
    entry: (b: PendingBallot) => T,
  ): Map<PeerRpc, T[]> {
    const groups = new Map<PeerRpc, T[]>();
    for (const b of ballots) {
      const peer = this.peerFor(b.kioskSeq, retry.attempts(toHex(b.ballotId)));
      const g = groups.get(peer) ?? [];
      g.push(entry(b));
      groups.set(peer, g);
    }
    return groups;
  }

  private async submitAll(batch: PendingBallot[], probe: Set<string>): Promise<void> {
    if (batch.length === 0) return;
    const items: Item[] = [];
    const groups = this.byPeer(batch, this.d.submitRetry, (b) => ({ b, tx: this.d.txOf(b) }));
    const unary = async (peer: PeerRpc, e: { b: PendingBallot; tx: Uint8Array }) => {
      this.stats.submitted++;
      const r = await peer.submit(e.tx);
      if (!r.ok) return this.submitFailed(e.b, peer, describeNet(r.error));
      const a = r.value;
      this.onSubmitAnswer(
        e.b,
        peer,
        a.status === 'received'
          ? { status: 'received', receipt: this.singleReceipt(a.receipt, e.tx) }
          : a,
        items,
        probe,
      );
    };
    await Promise.all(
      [...groups].map(async ([peer, entries]) => {
        if (!this.batching(peer)) {
          return runPool(entries, this.d.concurrencyPerPeer, (e) => unary(peer, e));
        }
        const chunks = chunk(entries, MAX_BATCH_ITEMS, MAX_SUBMIT_BATCH_BYTES, (e) => e.tx);
        // Once the validator says its mempool is full, the rest of a large backlog would only
        // be refused too (each refusal still costs it a decode and a lookup): those ballots
        // wait for a later round, without counting an attempt.
        let full = false;
        await runPool(chunks, BATCHES_PER_PEER, async (c) => {
          if (full) return;
          if (!this.batching(peer)) {
            return runPool(c, this.d.concurrencyPerPeer, (e) => unary(peer, e));
          }
          const r = await peer.submitBatch(c.map((e) => e.tx));
          if (!r.ok && this.lacksBatch(peer, r.error)) {
            return runPool(c, this.d.concurrencyPerPeer, (e) => unary(peer, e));
          }
          this.stats.submitted += c.length;
          if (!r.ok) {
            for (const e of c) this.submitFailed(e.b, peer, describeNet(r.error));
            return;
          }
          const { receipt, results } = r.value;
          // An answer that does not pair up item by item is no answer at all.
          if (results.length !== c.length) {
            for (const e of c) this.submitFailed(e.b, peer, 'batch answer of the wrong length');
            return;
          }
          const shares = this.batchShares(
            c.map((e) => e.tx),
            receipt,
            results,
          );
          results.forEach((a, i) => {
            const e = c[i];
            if (e === undefined) return;
            const answer: SubmitAnswer =
              a.status === 'received' ? { status: 'received', receipt: shares[i] ?? null } : a;
            this.onSubmitAnswer(e.b, peer, answer, items, probe);
          });
          if (results.some((a) => a.status === 'rejected' && isTransientRefusal(a.reason))) {
            full = true;
          }
        });
      }),
    );
    this.apply(items);
  }

  private submitFailed(b: PendingBallot, peer: PeerRpc, why: string): void {
    this.error(`submit ${peer.peerId}: ${why}`);
    this.d.submitRetry.failed(toHex(b.ballotId), this.d.clock.now());
  }

  /**
   * A validator answered for this ballot. `sent` is recorded here, not before the call: a
   * round that reaches no validator leaves the ballot `queued` (staff screens then say
   * "still queued on this kiosk", which is true). An answer that moves the row further
   * (receipted, included, rejected) skips `sent`; one that does not (a transient refusal, a
   * receipt that does not verify, "already included") still shows the bytes reached a
   * validator, so a queued row becomes `sent`.
   */
  private onSubmitAnswer(
    b: PendingBallot,
    peer: PeerRpc,
    a: SubmitAnswer,
    items: Item[],
    probe: Set<string>,
  ): void {
    const before = items.length;
    this.applySubmitAnswer(b, peer, a, items, probe);
    if (items.length === before && b.state === 'queued') {
      items.push({ ballotId: b.ballotId, transition: { to: 'sent' } });
    }
  }

  private applySubmitAnswer(
    b: PendingBallot,
    peer: PeerRpc,
    a: SubmitAnswer,
    items: Item[],
    probe: Set<string>,
  ): void {
    const id = toHex(b.ballotId);
    const now = this.d.clock.now();
    switch (a.status) {
      case 'received': {
        if (a.receipt === null) {
          this.stats.badReceipts++;
          this.error(`bad receipt from ${peer.peerId}`);
          this.d.submitRetry.failed(id, now);
          return;
        }
        this.d.submitRetry.clear(id);
        this.resubmit.delete(id);
        // Just admitted to a mempool: no block can hold it before the next height.
        this.probedAt.set(id, this.d.light.latestSeen);
        this.stats.receipted++;
        items.push({ ballotId: b.ballotId, transition: { to: 'receipted', receipt: a.receipt } });
        return;
      }
      case 'included':
        // Idempotent success; "included" in the outbox only says a validator claims so:
        // final still waits for a proof against a verified header.
        this.d.submitRetry.clear(id);
        this.resubmit.delete(id);
        items.push({ ballotId: b.ballotId, transition: { to: 'included', height: a.height } });
        probe.add(id);
        return;
      case 'rejected':
        if (isTransientRefusal(a.reason)) {
          this.error(`submit ${peer.peerId}: ${a.reason} (transient)`);
          this.d.submitRetry.failed(id, now);
          return;
        }
        this.d.submitRetry.clear(id);
        if (isAlreadyIncluded(a.reason)) {
          probe.add(id);
          return;
        }
        this.stats.rejected++;
        items.push({
          ballotId: b.ballotId,
          transition: { to: 'rejected', reason: toRejectReason(a.reason) },
        });
        return;
      default:
        return assertNever(a, 'submit answer');
    }
  }

  /** A unary receipt, encoded for the outbox, if a known validator signed it for these bytes. */
  private singleReceipt(r: Receipt, tx: Uint8Array): Uint8Array | null {
    const ok =
      r.body.chainId === this.d.chainId &&
      this.d.light.isValidatorKey(r.body.validator) &&
      receiptCovers(r, txIdOf(tx)) &&
      verifyReceipt(r);
    return ok ? encodeCanonical(r as unknown as Canonical) : null;
  }

  /**
   * Per item of a paired batch answer, the encoded receipt share to store, or null (not
   * received, or not covered). One signature per answer, checked once. Then the root over
   * our own ids of the received items, in request order: when it is the signed root, every
   * one of them is covered at its position for one hash per item, and each validator path
   * must be the one our tree gives. Otherwise each item is held to the path it came with,
   * so a forged leaf elsewhere does not cost the honest items their receipts.
   */
  private batchShares(
    txs: readonly Uint8Array[],
    receipt: BatchReceipt | null,
    results: readonly SubmitBatchItem[],
  ): (Uint8Array | null)[] {
    const ids = txs.flatMap((tx, i) => (results[i]?.status === 'received' ? [txIdOf(tx)] : []));
    if (receipt === null || !this.batchReceiptOk(receipt, ids.length)) return txs.map(() => null);
    const ours = buildMerkleTree(ids.map(leafHash));
    const whole = equalBytes(ours.root, receipt.body.root);
    const batchBytes = encodeCanonical(receipt as unknown as Canonical);
    let k = 0;
    return results.map((a) => {
      if (a.status !== 'received') return null;
      // The k-th received item must be leaf k (request order), over our exact bytes.
      const leaf = k++;
      const id = ids[leaf];
      if (id === undefined || a.index !== leaf) return null;
      if (whole) {
        const path = ours.proof(leaf).path;
        return samePath(path, a.path) ? encodeBatchItemReceipt(batchBytes, leaf, path) : null;
      }
      const claimed = { batch: receipt, index: leaf, path: a.path };
      return batchItemCovers(claimed, id) ? encodeBatchItemReceipt(batchBytes, leaf, a.path) : null;
    });
  }

  /** The batch signature: a known validator, our chain, one leaf per received item. */
  private batchReceiptOk(r: BatchReceipt, received: number): boolean {
    return (
      r.body.chainId === this.d.chainId &&
      r.body.count === received &&
      this.d.light.isValidatorKey(r.body.validator) &&
      verifyBatchReceipt(r)
    );
  }

  private async proofsFor(batch: PendingBallot[]): Promise<ProvenAnswer[]> {
    const proven: ProvenAnswer[] = [];
    const items: Item[] = [];
    const groups = this.byPeer(batch, this.d.proofRetry, (b) => b);
    const unary = async (peer: PeerRpc, b: PendingBallot) => {
      const r = await peer.proof(b.ballotId);
      if (!r.ok) return this.proofFailed(b, peer, describeNet(r.error));
      this.onProofAnswer(b, r.value, proven, items);
    };
    await Promise.all(
      [...groups].map(async ([peer, ballots]) => {
        if (!this.batching(peer)) {
          return runPool(ballots, this.d.concurrencyPerPeer, (b) => unary(peer, b));
        }
        const chunks = chunk(ballots, MAX_BATCH_ITEMS, Infinity, () => new Uint8Array(0));
        // Blocks take transactions in arrival order, so once a whole chunk (oldest first) is
        // still pending, the younger ones are too: asking them every block would make a
        // backlog cost O(backlog) queries per block. They are asked in a later round.
        let stalled = false;
        await runPool(chunks, BATCHES_PER_PEER, async (c) => {
          if (stalled) return;
          if (!this.batching(peer)) {
            return runPool(c, this.d.concurrencyPerPeer, (b) => unary(peer, b));
          }
          const r = await peer.proofBatch(c.map((b) => b.ballotId));
          if (!r.ok) {
            if (this.lacksBatch(peer, r.error)) {
              return runPool(c, this.d.concurrencyPerPeer, (b) => unary(peer, b));
            }
            for (const b of c) this.proofFailed(b, peer, describeNet(r.error));
            return;
          }
          if (r.value.results.length > c.length) {
            for (const b of c) this.proofFailed(b, peer, 'batch answer of the wrong length');
            return;
          }
          // A shorter answer is a prefix (the server's byte budget): the rest is asked again
          // next round, without counting as a failure.
          r.value.results.forEach((a, i) => {
            const b = c[i];
            if (b !== undefined) this.onProofAnswer(b, a, proven, items);
          });
          if (r.value.results.every((a) => a.status === 'pending')) stalled = true;
        });
      }),
    );
    this.apply(items);
    return proven;
  }

  private proofFailed(b: PendingBallot, peer: PeerRpc, why: string): void {
    this.error(`proof ${peer.peerId}: ${why}`);
    this.d.proofRetry.failed(toHex(b.ballotId), this.d.clock.now());
  }

  private onProofAnswer(
    b: PendingBallot,
    a: ProofResponse | ProofBatchItem,
    proven: ProvenAnswer[],
    items: Item[],
  ): void {
    const id = toHex(b.ballotId);
    switch (a.status) {
      case 'included':
        proven.push({
          ballot: b,
          echoed: 'tx' in a ? a.tx : null,
          height: a.height,
          proof: a.proof,
        });
        return;
      case 'pending':
        this.probedAt.set(id, this.d.light.latestSeen);
        return;
      case 'unknown':
        // The validator lost it (restart) or it never arrived: submit it again.
        if (b.state === 'receipted') this.resubmit.add(id);
        this.d.proofRetry.failed(id, this.d.clock.now());
        return;
      case 'rejected':
        this.probedAt.delete(id);
        this.stats.rejected++;
        items.push({
          ballotId: b.ballotId,
          transition: { to: 'rejected', reason: toRejectReason(a.reason) },
        });
        return;
      default:
        return assertNever(a, 'proof answer');
    }
  }

  private async finalize(proven: ProvenAnswer[]): Promise<void> {
    const items: Item[] = [];
    const heights = [...new Set(proven.map((p) => p.height))].sort((a, b) => a - b);
    for (const h of heights) {
      const header = await this.d.light.headerAt(h);
      const now = this.d.clock.now();
      for (const p of proven.filter((x) => x.height === h)) {
        const id = toHex(p.ballot.ballotId);
        if (!header.ok) {
          this.error(`header ${h}: ${header.error.kind}`);
          this.d.proofRetry.failed(id, now);
          continue;
        }
        // The proven leaf must be our very bytes, not merely some ballot at that index: the
        // leaf hash is computed from what we submitted, and an echoed tx must be the same.
        const tx = this.d.txOf(p.ballot);
        const why =
          p.height !== header.value.height
            ? 'wrong-height'
            : !verifyInclusion(leafHash(tx), p.proof, header.value.dataHash).ok
              ? 'proof-invalid'
              : p.echoed !== null && !equalBytes(p.echoed, tx)
                ? 'other tx'
                : null;
        if (why !== null) {
          this.stats.badProofs++;
          this.error(`proof for ${id.slice(0, 12)} at ${h}: ${why}`);
          this.d.proofRetry.failed(id, now);
          if (p.ballot.state !== 'included') {
            items.push({ ballotId: p.ballot.ballotId, transition: { to: 'included', height: h } });
          }
          continue;
        }
        this.d.proofRetry.clear(id);
        this.probedAt.delete(id);
        this.stats.finalized++;
        items.push({ ballotId: p.ballot.ballotId, transition: { to: 'final', height: h } });
      }
    }
    this.apply(items);
  }
}

/** Batches of at most `maxItems` entries and `maxBytes` bytes (an oversized entry alone). */
export function chunk<T>(
  entries: readonly T[],
  maxItems: number,
  maxBytes: number,
  bytesOf: (e: T) => Uint8Array,
): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    const n = bytesOf(e).byteLength;
    if (cur.length > 0 && (cur.length >= maxItems || bytes + n > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function samePath(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => equalBytes(x, b[i] ?? new Uint8Array(0)));
}

function describeNet(e: NetError): string {
  switch (e.kind) {
    case 'remote':
      return `remote ${e.code}`;
    case 'refused':
      return `refused ${e.reason}`;
    case 'too-large':
    case 'malformed':
      return `${e.kind} ${e.side}`;
    case 'timeout':
    case 'aborted':
    case 'closed':
      return e.kind;
    default:
      return assertNever(e, 'net error');
  }
}
