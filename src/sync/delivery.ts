// Delivering the outbox: submit queued ballots (pipelined, idempotent by ballotId), verify
// and store validator receipts, ask for inclusion proofs, and mark a ballot final only when
// its proof verified against a header the light client verified. Failures are retried with
// exponential backoff and full jitter; refusals are stored with their reason.
import { equalBytes } from '../protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { TAG, taggedHash, toHex } from '../protocol/hash.js';
import {
  receiptCovers,
  verifyReceipt,
  verifyTxInclusion,
  type ProofResponse,
  type Receipt,
} from '../protocol/light-rpc.js';
import type { InclusionProof } from '../protocol/merkle.js';
import type { PendingBallot, Store, Transition } from '../store/index.js';
import type { Clock } from '../shared/clock.js';
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
}

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
  readonly tx: Uint8Array;
  readonly height: number;
  readonly proof: InclusionProof;
}

type Item = { readonly ballotId: Uint8Array; readonly transition: Transition };

export class Delivery {
  /** Ballots a validator reported as unknown after a receipt: submit them again. */
  private readonly resubmit = new Set<string>();
  /**
   * The newest chain height seen when a validator last said "pending" for a ballot: asking
   * again before a new block exists cannot change the answer, and "pending" is no failure
   * (no backoff), so each waiting ballot costs one proof query per block.
   */
  private readonly probedAt = new Map<string, number>();
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

  private async submitAll(batch: PendingBallot[], probe: Set<string>): Promise<void> {
    if (batch.length === 0) return;
    this.apply(
      batch
        .filter((b) => b.state === 'queued')
        .map((b) => ({ ballotId: b.ballotId, transition: { to: 'sent' } })),
    );
    const items: Item[] = [];
    const limit = this.d.concurrencyPerPeer * this.d.peers.length;
    await runPool(batch, limit, async (b) => {
      const id = toHex(b.ballotId);
      const tx = this.d.txOf(b);
      const peer = this.peerFor(b.kioskSeq, this.d.submitRetry.attempts(id));
      this.stats.submitted++;
      const r = await peer.submit(tx);
      const now = this.d.clock.now();
      if (!r.ok) {
        this.error(
          `submit ${peer.peerId}: ${r.error.kind}${'code' in r.error ? ` ${r.error.code}` : ''}`,
        );
        this.d.submitRetry.failed(id, now);
        return;
      }
      const a = r.value;
      switch (a.status) {
        case 'received': {
          if (!this.receiptOk(a.receipt, tx)) {
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
          items.push({
            ballotId: b.ballotId,
            transition: {
              to: 'receipted',
              receipt: encodeCanonical(a.receipt as unknown as Canonical),
            },
          });
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
          if (isTransientRefusal(a.reason, a.detail)) {
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
      }
    });
    this.apply(items);
  }

  /** A receipt counts only if a known validator signed it, for this chain and these bytes. */
  private receiptOk(r: Receipt, tx: Uint8Array): boolean {
    return (
      r.body.chainId === this.d.chainId &&
      this.d.light.isValidatorKey(r.body.validator) &&
      receiptCovers(r, taggedHash(TAG.devnetTxId, tx)) &&
      verifyReceipt(r)
    );
  }

  private async proofsFor(batch: PendingBallot[]): Promise<ProvenAnswer[]> {
    const proven: ProvenAnswer[] = [];
    const items: Item[] = [];
    const limit = this.d.concurrencyPerPeer * this.d.peers.length;
    await runPool(batch, limit, async (b) => {
      const id = toHex(b.ballotId);
      const peer = this.peerFor(b.kioskSeq, this.d.proofRetry.attempts(id));
      const r = await peer.proof(b.ballotId);
      const now = this.d.clock.now();
      if (!r.ok) {
        this.error(`proof ${peer.peerId}: ${r.error.kind}`);
        this.d.proofRetry.failed(id, now);
        return;
      }
      const a: ProofResponse = r.value;
      switch (a.status) {
        case 'included':
          proven.push({ ballot: b, tx: a.tx, height: a.height, proof: a.proof });
          return;
        case 'pending':
          this.probedAt.set(id, this.d.light.latestSeen);
          return;
        case 'unknown':
          // The validator lost it (restart) or it never arrived: submit it again.
          if (b.state === 'receipted') this.resubmit.add(id);
          this.d.proofRetry.failed(id, now);
          return;
        case 'rejected':
          this.probedAt.delete(id);
          this.stats.rejected++;
          items.push({
            ballotId: b.ballotId,
            transition: { to: 'rejected', reason: toRejectReason(a.reason) },
          });
          return;
      }
    });
    this.apply(items);
    return proven;
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
        const v = verifyTxInclusion(p, header.value);
        // The proven leaf must be our very bytes, not merely some ballot at that index.
        if (!v.ok || !equalBytes(p.tx, this.d.txOf(p.ballot))) {
          this.stats.badProofs++;
          this.error(`proof for ${id.slice(0, 12)} at ${h}: ${v.ok ? 'other tx' : v.error.kind}`);
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
